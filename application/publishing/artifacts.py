"""Publishing and verifying artifact sets under a prefix: artifacts first, manifest last."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from codemill.domain.keys import as_dir_prefix, join_key
from codemill.domain.manifest import MANIFEST_NAME, Manifest, ManifestEntry
from codemill.domain.ports.artifact_store import ArtifactStore

_CHUNK = 1 << 20


class _HashingReader:
    """Wraps a binary stream, hashing and counting every byte read through it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        chunk = self._stream.read(n)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk


def sha256_of_stream(stream: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class ArtifactWriter:
    """Writes artifacts under `prefix`, then publishes `manifest.json` last.

    Opening a writer on a prefix that was published before unpublishes it
    first (deletes its manifest), so a half-rewritten prefix is never taken
    for complete.
    """

    def __init__(self, store: ArtifactStore, prefix: str, *, kind: str) -> None:
        self._store = store
        self._prefix = as_dir_prefix(prefix)
        self._kind = kind
        self._entries: dict[str, ManifestEntry] = {}
        store.delete(self._prefix + MANIFEST_NAME)

    @property
    def prefix(self) -> str:
        return self._prefix

    def write(self, path: str, data: bytes | str) -> ManifestEntry:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        self._store.put(join_key(self._prefix, path), payload)
        return self._record(path, hashlib.sha256(payload).hexdigest(), len(payload))

    def write_stream(self, path: str, stream: BinaryIO) -> ManifestEntry:
        reader = _HashingReader(stream)
        self._store.put(join_key(self._prefix, path), reader)  # type: ignore[arg-type]
        return self._record(path, reader.sha256.hexdigest(), reader.size)

    def adopt(self, entry: ManifestEntry) -> None:
        """Lists an artifact written under the prefix by another process (its checksum taken there)."""
        self._record(entry.path, entry.sha256, entry.size)

    def _record(self, path: str, sha256: str, size: int) -> ManifestEntry:
        if path == MANIFEST_NAME:
            raise IntegrityError(f"'{MANIFEST_NAME}' is reserved for the manifest")
        entry = ManifestEntry(path=path, sha256=sha256, size=size)
        self._entries[path] = entry
        return entry

    def publish(
        self,
        *,
        config_hash: str = "",
        code_version: str = "",
        tool_versions: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Manifest:
        manifest = Manifest(
            kind=self._kind,
            entries=tuple(sorted(self._entries.values(), key=lambda e: e.path)),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            config_hash=config_hash,
            code_version=code_version,
            tool_versions=dict(tool_versions or {}),
            metadata=dict(metadata or {}),
        )
        self._store.put(self._prefix + MANIFEST_NAME, manifest.to_json().encode("utf-8"))
        return manifest


def read_manifest(store: ArtifactStore, prefix: str) -> Manifest:
    """The manifest under `prefix`; ArtifactNotFoundError if the prefix is not published."""
    key = as_dir_prefix(prefix) + MANIFEST_NAME
    try:
        raw = store.get(key)
    except ArtifactNotFoundError:
        raise ArtifactNotFoundError(
            f"'{prefix}' has no {MANIFEST_NAME}: it does not exist or was never completed"
        ) from None
    return Manifest.from_json(raw, where=key)


@dataclass(frozen=True, kw_only=True)
class VerificationReport:
    prefix: str
    checked: int
    missing: tuple[str, ...] = field(default_factory=tuple)
    mismatched: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.mismatched

    def summary(self) -> str:
        if self.ok:
            return f"{self.prefix}: {self.checked} artifacts verified"
        problems = [f"missing {p}" for p in self.missing]
        problems += [f"checksum mismatch {p}" for p in self.mismatched]
        return f"{self.prefix}: " + "; ".join(problems)


def verify_manifest(store: ArtifactStore, prefix: str) -> VerificationReport:
    """Recompute every artifact's sha256 and size and compare with the manifest."""
    manifest = read_manifest(store, prefix)
    base = as_dir_prefix(prefix)
    missing: list[str] = []
    mismatched: list[str] = []
    for entry in manifest.entries:
        try:
            with store.open(join_key(base, entry.path)) as stream:
                digest, size = sha256_of_stream(stream)
        except ArtifactNotFoundError:
            missing.append(entry.path)
            continue
        if digest != entry.sha256 or size != entry.size:
            mismatched.append(entry.path)
    return VerificationReport(
        prefix=base, checked=len(manifest.entries), missing=tuple(missing), mismatched=tuple(mismatched)
    )
