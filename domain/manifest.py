"""The manifest: the last file a step writes, and the only proof its output is complete."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from codemill.domain.errors import IntegrityError

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA = 1


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """What a published prefix holds: each artifact's checksum plus provenance."""

    kind: str
    entries: tuple[ManifestEntry, ...]
    created_at: str
    config_hash: str = ""
    code_version: str = ""
    tool_versions: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    def entry(self, path: str) -> ManifestEntry | None:
        return next((e for e in self.entries if e.path == path), None)

    def digest(self) -> str:
        """sha256 of the manifest as published: what lineage records to name this exact version."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @property
    def total_size(self) -> int:
        return sum(e.size for e in self.entries)

    def to_json(self) -> str:
        payload = {
            "schema": MANIFEST_SCHEMA,
            "kind": self.kind,
            "created_at": self.created_at,
            "config_hash": self.config_hash,
            "code_version": self.code_version,
            "tool_versions": dict(sorted(self.tool_versions.items())),
            "metadata": self.metadata,
            "artifacts": [
                {"path": e.path, "sha256": e.sha256, "size": e.size}
                for e in sorted(self.entries, key=lambda e: e.path)
            ],
        }
        return json.dumps(payload, indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes, *, where: str = "manifest") -> Manifest:
        try:
            raw = json.loads(text)
            entries = tuple(
                ManifestEntry(path=str(a["path"]), sha256=str(a["sha256"]), size=int(a["size"]))
                for a in raw["artifacts"]
            )
            return cls(
                kind=str(raw.get("kind", "")),
                entries=entries,
                created_at=str(raw.get("created_at", "")),
                config_hash=str(raw.get("config_hash", "")),
                code_version=str(raw.get("code_version", "")),
                tool_versions={str(k): str(v) for k, v in raw.get("tool_versions", {}).items()},
                metadata=dict(raw.get("metadata", {})),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise IntegrityError(f"{where} is not a valid manifest: {exc}") from exc
