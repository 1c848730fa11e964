"""Hand-written fakes of the registry's ports: an in-memory registry, fixed lineage, a model resolver."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, final

from codemill.domain.alias_history import AliasMove, current_version
from codemill.domain.errors import ArtifactNotFoundError, InputError, IntegrityError
from codemill.domain.manifest import Manifest
from codemill.domain.ports.model_lineage import ModelLineage
from codemill.domain.ports.model_registry import ModelRegistry
from codemill.domain.ports.model_resolver import ModelResolver, ResolvedModel
from codemill.domain.registry import (
    ModelSource,
    RegisteredVersion,
    ValidationVerdict,
    is_registry_reference,
    parse_reference,
)
from tests.fakes.training_fakes import MemoryRuns


@final
class MemoryModelRegistry(ModelRegistry):
    """Claims, versions and alias histories in dicts.

    `before_append(name, move)` runs before each history entry is created: a
    test plays a concurrent mover there (by appending an entry of its own).
    """

    def __init__(self, *, conditional_writes: bool = True) -> None:
        self.claims: dict[str, dict[int, dict[str, Any]]] = {}
        self.published: dict[str, dict[int, RegisteredVersion]] = {}
        self.folders: dict[tuple[str, int], str] = {}
        self.sources: list[ModelSource] = []
        self.histories: dict[tuple[str, str], dict[int, AliasMove]] = {}
        self.verdicts: dict[tuple[str, int], ValidationVerdict] = {}
        self.before_append: Callable[[str, AliasMove], None] | None = None
        self.fail_publish: Exception | None = None  # raised by the next publish_version (a failed copy)
        self.lagging_reads = 0  # this many next `history` reads miss the newest entry (a listing that lags)
        self._conditional = conditional_writes

    @property
    def conditional_writes(self) -> bool:
        return self._conditional

    def add_version(self, name: str, folder: str, record: Mapping[str, Any] | None = None) -> int:
        """A complete version made without the use case (test set-up); returns its number."""
        version = max(self.claims.get(name, {}), default=0) + 1
        self.claim(name, version, {})
        self.publish_version(name, version, ModelSource(kind="local", location=folder), record or {})
        return version

    def point(self, name: str, alias: str, version: int) -> None:
        """Move `alias` to `version` as an entry of its history (test set-up)."""
        history = self.history(name, alias)
        move = AliasMove(
            seq=len(history) + 1,
            alias=alias,
            from_version=current_version(history),
            to_version=version,
            action="alias",
            reason="set-up",
            user="tester",
            time=f"2026-01-01T00:00:{len(history):02d}Z",
        )
        self.histories.setdefault((name, alias), {})[move.seq] = move

    def names(self) -> list[str]:
        return sorted(name for name, versions in self.published.items() if versions)

    def claimed_versions(self, name: str) -> list[int]:
        return sorted(self.claims.get(name, {}))

    def claim(self, name: str, version: int, claim: Mapping[str, Any]) -> bool:
        taken = self.claims.setdefault(name, {})
        if version in taken:
            return False
        taken[version] = dict(claim)
        return True

    def publish_version(
        self, name: str, version: int, source: ModelSource, record: Mapping[str, Any]
    ) -> Manifest:
        if version in self.published.get(name, {}):
            raise IntegrityError(
                f"version {version} of {name!r} is already published: versions are immutable"
            )
        if version not in self.claims.get(name, {}):
            raise IntegrityError(f"version {version} of {name!r} was not claimed")
        if self.fail_publish is not None:
            failure, self.fail_publish = self.fail_publish, None
            raise failure
        digest = hashlib.sha256(f"{name}/{version}".encode()).hexdigest()
        registered = RegisteredVersion(
            name=name, version=version, record=dict(record), manifest_sha256=digest
        )
        self.published.setdefault(name, {})[version] = registered
        self.folders[(name, version)] = source.location
        self.sources.append(source)
        return Manifest(kind="registry-version", entries=(), created_at="now")

    def versions(self, name: str) -> list[int]:
        return sorted(self.published.get(name, {}))

    def version(self, name: str, version: int) -> RegisteredVersion:
        versions = self.published.get(name, {})
        if version not in versions:
            raise ArtifactNotFoundError(f"{name!r} has no version {version} (versions: {sorted(versions)})")
        return versions[version]

    def fetch_version(self, name: str, version: int, local_root: str) -> str:
        self.version(name, version)
        return self.folders[(name, version)]

    def aliases(self, name: str) -> list[str]:
        return sorted(alias for (model, alias), moves in self.histories.items() if model == name and moves)

    def history(self, name: str, alias: str) -> list[AliasMove]:
        moves = self.histories.get((name, alias), {})
        listed = [moves[seq] for seq in sorted(moves)]
        if self.lagging_reads > 0 and listed:
            self.lagging_reads -= 1
            return listed[:-1]
        return listed

    def append_move(self, name: str, move: AliasMove) -> bool:
        if self.before_append is not None:
            self.before_append(name, move)
        moves = self.histories.setdefault((name, move.alias), {})
        if move.seq in moves:
            return False
        moves[move.seq] = move
        return True

    def validation(self, name: str, version: int) -> ValidationVerdict | None:
        return self.verdicts.get((name, version))


@final
class FixedLineage(ModelLineage):
    """The lineage a test sets, per stored model name; folders get their path and no metrics."""

    def __init__(self, stored: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.stored = {name: dict(lineage) for name, lineage in (stored or {}).items()}

    def of_stored_model(self, name: str) -> dict[str, Any]:
        if name not in self.stored:
            raise ArtifactNotFoundError(f"model '{name}' does not exist or was never completed")
        return dict(self.stored[name])

    def of_folder(self, folder: str) -> dict[str, Any]:
        return {"folder": {"path": folder, "fingerprint": "f" * 64}, "metrics": {}}


@final
class MemoryModelResolver(ModelResolver):
    """Registry references through a MemoryModelRegistry, stored names through MemoryRuns, then folders."""

    def __init__(self, runs: MemoryRuns, registry: MemoryModelRegistry | None = None) -> None:
        self.runs = runs
        self.registry = registry or MemoryModelRegistry()

    def resolve(self, reference: str) -> ResolvedModel:
        if is_registry_reference(reference):
            return self._registered(reference)
        if reference in self.runs.exported:
            folder = self.runs.fetch_model(reference, "")
            return ResolvedModel(
                reference=reference, folder=folder, name=reference, fingerprint="s" * 64, origin="storage"
            )
        if Path(reference).is_dir():
            folder = str(Path(reference).resolve())
            return ResolvedModel(reference=reference, folder=folder, name=Path(folder).name, origin="local")
        raise InputError(f"model {reference!r} is neither a local folder nor a model published in storage")

    def current_version(self, name: str, alias: str) -> int | None:
        return current_version(self.registry.history(name, alias))

    def _registered(self, reference: str) -> ResolvedModel:
        parsed = parse_reference(reference)
        version = parsed.version
        if parsed.alias is not None:
            version = self.current_version(parsed.name, parsed.alias)
        if version is None:
            raise ArtifactNotFoundError(f"no alias {parsed.alias!r} of {parsed.name!r}")
        registered = self.registry.version(parsed.name, version)
        return ResolvedModel(
            reference=reference,
            folder=self.registry.fetch_version(parsed.name, version, ""),
            name=parsed.name,
            version=version,
            alias=parsed.alias,
            fingerprint=registered.manifest_sha256,
            lineage=dict(registered.record),
            origin="registry",
        )
