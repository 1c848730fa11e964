"""The model registry on any ArtifactStore: claims, versions, alias histories, validation reports."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codemill.application.publishing.artifacts import ArtifactWriter, read_manifest
from codemill.application.training.publication import manifest_sha256
from codemill.application.validation.publishing import VALIDATION_KIND
from codemill.domain.alias_history import AliasMove
from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from codemill.domain.manifest import MANIFEST_NAME, Manifest
from codemill.domain.names import NAME_PATTERN
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.registry import ALIAS_PATTERN, ModelSource, RegisteredVersion, ValidationVerdict
from codemill.domain.registry_layout import (
    REGISTRY,
    VERSION_KIND,
    VERSION_RECORD,
    aliases_prefix,
    claim_key,
    claims_prefix,
    history_key,
    history_prefix,
    sequence_of,
    validation_prefix,
    version_prefix,
    versions_prefix,
)
from codemill.infrastructure.datasets.verified_files import local_copy, published_manifest, read_verified
from codemill.infrastructure.registry.version_files import copy_model
from codemill.infrastructure.versions import package_version

log = logging.getLogger("codemill.registry")


class StorageModelRegistry:
    """ModelRegistry (see the port) on any ArtifactStore, laid out as `codemill.domain.registry_layout` says.

    Claims and history entries are created with `ArtifactStore.create`, so
    they are as atomic as the store's `conditional_writes`. History entries
    are immutable: once read they are kept in memory (only on a store whose
    creates are atomic, where no entry can be overwritten by a racing writer).
    """

    def __init__(self, store: ArtifactStore, *, models_root: str = "models") -> None:
        self._store = store
        self._models_root = models_root
        self._entries: dict[str, AliasMove] = {}

    @property
    def conditional_writes(self) -> bool:
        return self._store.conditional_writes

    def names(self) -> list[str]:
        found = set()
        for key in self._store.list(f"{REGISTRY}/"):
            parts = key.split("/")
            if len(parts) == 5 and parts[2] == "versions" and parts[4] == MANIFEST_NAME:
                found.add(parts[1])
        return sorted(name for name in found if NAME_PATTERN.fullmatch(name))

    def claimed_versions(self, name: str) -> list[int]:
        numbers = (sequence_of(key) for key in self._store.list(claims_prefix(name)))
        return sorted(number for number in numbers if number is not None)

    def claim(self, name: str, version: int, claim: Mapping[str, Any]) -> bool:
        return self._store.create(claim_key(name, version), _json(claim))

    def publish_version(
        self, name: str, version: int, source: ModelSource, record: Mapping[str, Any]
    ) -> Manifest:
        prefix = version_prefix(name, version)
        if self._store.exists(prefix + MANIFEST_NAME):
            raise IntegrityError(
                f"version {version} of {name!r} is already published: versions are immutable"
            )
        if not self._store.exists(claim_key(name, version)):
            raise IntegrityError(f"version {version} of {name!r} was not claimed: claim it first")
        writer = ArtifactWriter(self._store, prefix, kind=VERSION_KIND)
        copy_model(self._store, writer, source, self._models_root)
        writer.write(VERSION_RECORD, _json(record))
        return writer.publish(
            code_version=package_version("codemill"),
            tool_versions={tool: package_version(tool) for tool in ("safetensors", "transformers", "torch")},
            metadata={"name": name, "version": version, "source": str(source)},
        )

    def versions(self, name: str) -> list[int]:
        base = versions_prefix(name)
        numbers = set()
        for key in self._store.list(base):
            number, _, rest = key[len(base) :].partition("/")
            if rest == MANIFEST_NAME and number.isdigit():
                numbers.add(int(number))
        return sorted(numbers)

    def version(self, name: str, version: int) -> RegisteredVersion:
        manifest, _ = self._manifest(name, version)
        what = f"version {version} of {name!r}"
        record = json.loads(
            read_verified(self._store, version_prefix(name, version), manifest, VERSION_RECORD, what=what)
        )
        return RegisteredVersion(
            name=name,
            version=version,
            record=record if isinstance(record, dict) else {},
            manifest_sha256=manifest_sha256(manifest),
            created_at=manifest.created_at,
        )

    def fetch_version(self, name: str, version: int, local_root: str) -> str:
        _, raw = self._manifest(name, version)
        folder = (
            Path(local_root).expanduser()
            / REGISTRY
            / name
            / f"{version}-{hashlib.sha256(raw).hexdigest()[:16]}"
        )
        what = f"version {version} of {name!r}"
        return str(local_copy(self._store, version_prefix(name, version), raw, folder, what=what))

    def aliases(self, name: str) -> list[str]:
        base = aliases_prefix(name)
        found = {key[len(base) :].partition("/")[0] for key in self._store.list(base)}
        return sorted(alias for alias in found if ALIAS_PATTERN.fullmatch(alias))

    def history(self, name: str, alias: str) -> list[AliasMove]:
        moves = []
        for key in self._store.list(history_prefix(name, alias)):
            if sequence_of(key) is not None:
                moves.append(self._entry(key))
        return sorted(moves, key=lambda move: move.seq)

    def append_move(self, name: str, move: AliasMove) -> bool:
        return self._store.create(history_key(name, move.alias, move.seq), _json(move.to_dict()))

    def validation(self, name: str, version: int) -> ValidationVerdict | None:
        prefix = validation_prefix(name, version)
        try:
            manifest = read_manifest(self._store, prefix)
        except ArtifactNotFoundError:
            return None
        if manifest.kind != VALIDATION_KIND:
            return None
        meta = manifest.metadata
        dataset = meta.get("dataset")
        return ValidationVerdict(
            passed=bool(meta.get("passed")),
            report=prefix.rstrip("/"),
            created_at=manifest.created_at,
            dataset=None if dataset is None else str(dataset),
        )

    def _entry(self, key: str) -> AliasMove:
        cached = self._entries.get(key)
        if cached is not None:
            return cached
        try:
            data = json.loads(self._store.get(key))
        except ValueError:
            raise IntegrityError(f"{key} is not valid JSON: the alias history is damaged") from None
        move = AliasMove.from_dict(data if isinstance(data, dict) else {}, where=key)
        if move.seq != sequence_of(key):
            raise IntegrityError(f"{key} holds entry {move.seq}: the alias history is damaged")
        if self._store.conditional_writes:
            self._entries[key] = move
        return move

    def _manifest(self, name: str, version: int) -> tuple[Manifest, bytes]:
        try:
            return published_manifest(
                self._store,
                version_prefix(name, version),
                VERSION_KIND,
                what=f"version {version} of {name!r}",
            )
        except ArtifactNotFoundError:
            raise ArtifactNotFoundError(self._missing(name, version)) from None

    def _missing(self, name: str, version: int) -> str:
        versions = self.versions(name)
        if not versions:
            known = ", ".join(self.names()) or "none yet"
            return f"the registry has no model {name!r} (registered: {known})"
        return f"{name!r} has no version {version} (versions: {', '.join(map(str, versions))})"


def _json(data: Mapping[str, Any]) -> bytes:
    return (json.dumps(dict(data), indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")
