"""RegistryCatalog: the read side of the registry (models, versions with lineage, alias histories)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from codemill.application.registry.promote_model import verdict_of
from codemill.domain.alias_history import AliasMove, current_version
from codemill.domain.errors import ArtifactNotFoundError
from codemill.domain.ports.model_registry import ModelRegistry
from codemill.domain.registry import check_alias, check_model_name


@dataclass(frozen=True, kw_only=True)
class ModelSummary:
    name: str
    latest: int | None  # the highest complete version
    versions: int  # how many complete versions
    aliases: dict[str, int] = field(default_factory=dict)  # alias -> the version it points at


@dataclass(frozen=True, kw_only=True)
class VersionSummary:
    version: int
    registered_at: str
    registered_by: str
    source: str
    reason: str
    metrics: dict[str, Any]
    lineage: dict[str, Any]  # run, dataset, corpus, teacher: each a name and a manifest hash, or None
    validation: dict[str, Any] | None  # the latest verdict (passed, report, created_at, dataset)
    manifest_sha256: str


@dataclass(frozen=True, kw_only=True)
class ModelDetails:
    name: str
    versions: tuple[VersionSummary, ...]
    aliases: dict[str, int] = field(default_factory=dict)


class RegistryCatalog:
    """Queries, not a use case: which models are registered, their versions and aliases, and histories.

    - Only complete versions are listed; an unknown model is a one-line
      error naming the registered ones.
    - `history` without an alias merges every alias's entries in time order.
    """

    def __init__(self, registry: ModelRegistry) -> None:
        self._registry = registry

    def models(self) -> list[ModelSummary]:
        summaries = []
        for name in self._registry.names():
            versions = self._registry.versions(name)
            summaries.append(
                ModelSummary(
                    name=name,
                    latest=versions[-1] if versions else None,
                    versions=len(versions),
                    aliases=self._aliases(name),
                )
            )
        return summaries

    def show(self, name: str) -> ModelDetails:
        versions = self._versions(name)
        summaries = tuple(self._summary(name, version) for version in versions)
        return ModelDetails(name=name, versions=summaries, aliases=self._aliases(name))

    def history(self, name: str, alias: str | None = None) -> list[AliasMove]:
        self._versions(name)
        if alias is not None:
            check_alias(alias)
            if alias not in self._registry.aliases(name):
                known = ", ".join(self._registry.aliases(name)) or "none yet"
                raise ArtifactNotFoundError(f"alias {alias!r} of {name!r} does not exist (aliases: {known})")
            return self._registry.history(name, alias)
        moves = [move for each in self._registry.aliases(name) for move in self._registry.history(name, each)]
        return sorted(moves, key=lambda move: (move.time, move.alias, move.seq))

    def _versions(self, name: str) -> list[int]:
        check_model_name(name)
        versions = self._registry.versions(name)
        if not versions:
            known = ", ".join(self._registry.names()) or "none yet"
            raise ArtifactNotFoundError(f"the registry has no model {name!r} (registered: {known})")
        return versions

    def _aliases(self, name: str) -> dict[str, int]:
        found = {}
        for alias in self._registry.aliases(name):
            version = current_version(self._registry.history(name, alias))
            if version is not None:
                found[alias] = version
        return found

    def _summary(self, name: str, version: int) -> VersionSummary:
        registered = self._registry.version(name, version)
        record: Mapping[str, Any] = registered.record
        verdict = verdict_of(self._registry, name, version)
        source = record.get("source")
        return VersionSummary(
            version=version,
            registered_at=str(record.get("registered_at", "")),
            registered_by=str(record.get("registered_by", "")),
            source=str(source.get("location", "")) if isinstance(source, Mapping) else "",
            reason=str(record.get("reason", "")),
            metrics=dict(record.get("metrics") or {}),
            lineage={part: record.get(part) for part in ("run", "dataset", "corpus", "teacher")},
            validation=None if verdict is None else verdict.to_dict(),
            manifest_sha256=registered.manifest_sha256,
        )
