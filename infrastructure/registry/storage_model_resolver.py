"""ModelResolver on the registry, the models published in storage and local folders."""

from __future__ import annotations

from pathlib import Path

from codemill.application.training.publication import manifest_sha256
from codemill.domain.alias_history import current_version
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.manifest import Manifest
from codemill.domain.names import NAME_PATTERN
from codemill.domain.ports.model_registry import ModelRegistry
from codemill.domain.ports.model_resolver import ResolvedModel
from codemill.domain.ports.run_repository import RunRepository
from codemill.domain.registry import RegistryReference, is_registry_reference, parse_reference
from codemill.infrastructure.training.distillation.hf_teacher_locator import folder_fingerprint

MODELS = "models"


class StorageModelResolver:
    """ModelResolver (see the port): `registry:NAME@ALIAS`, `registry:NAME/VERSION`, a stored model, a folder.

    - A registry version and a stored model are downloaded under
      `cache_dir` (`registry/NAME/N-<sha>/`, `models/NAME-<sha>/`), every
      file verified against the manifest, and reused while complete; the
      fingerprint is the sha256 of the manifest's JSON.
    - A registry version's lineage is its version.json; a stored model's
      and a folder's is empty. A local folder is returned as it is (its
      fingerprint covers its top-level files): checking it is the caller's job.
    - `current_version` lists the alias's history; the registry reads only entries it has not read before.
    """

    def __init__(self, registry: ModelRegistry, runs: RunRepository, cache_dir: str) -> None:
        self._registry = registry
        self._runs = runs
        self._cache_dir = Path(cache_dir).expanduser()

    def resolve(self, reference: str) -> ResolvedModel:
        if is_registry_reference(reference):
            return self._from_registry(reference, parse_reference(reference))
        stored = self._stored_manifest(reference)
        if stored is not None:
            return ResolvedModel(
                reference=reference,
                folder=self._runs.fetch_model(reference, str(self._cache_dir / MODELS)),
                name=reference,
                fingerprint=manifest_sha256(stored),
                origin="storage",
            )
        folder_path = Path(reference).expanduser()
        if folder_path.is_dir():
            resolved = folder_path.resolve()
            return ResolvedModel(
                reference=reference,
                folder=str(resolved),
                name=resolved.name,
                fingerprint=folder_fingerprint(resolved),
                origin="local",
            )
        raise InputError(
            f"model {reference!r} is neither a local folder nor a model published in storage "
            f"({self._stored_names()}) nor a registry reference (registry:NAME@ALIAS, registry:NAME/VERSION)"
        )

    def current_version(self, name: str, alias: str) -> int | None:
        return current_version(self._registry.history(name, alias))

    def _from_registry(self, reference: str, parsed: RegistryReference) -> ResolvedModel:
        version = parsed.version
        if parsed.alias is not None:
            version = self.current_version(parsed.name, parsed.alias)
            if version is None:
                raise ArtifactNotFoundError(self._no_alias(parsed.name, parsed.alias))
        assert version is not None  # nosec B101  # an invariant for the type checker, not a security check
        registered = self._registry.version(parsed.name, version)
        folder = self._registry.fetch_version(parsed.name, version, str(self._cache_dir))
        return ResolvedModel(
            reference=reference,
            folder=folder,
            name=parsed.name,
            version=version,
            alias=parsed.alias,
            fingerprint=registered.manifest_sha256,
            lineage=dict(registered.record),
            origin="registry",
        )

    def _no_alias(self, name: str, alias: str) -> str:
        if not self._registry.versions(name):
            known = ", ".join(self._registry.names()) or "none yet"
            return f"the registry has no model {name!r} (registered: {known})"
        aliases = ", ".join(self._registry.aliases(name)) or "none yet"
        return f"registry model {name!r} has no alias {alias!r} (aliases: {aliases})"

    def _stored_manifest(self, name: str) -> Manifest | None:
        if NAME_PATTERN.fullmatch(name) is None:
            return None
        try:
            return self._runs.model_manifest(name)
        except ArtifactNotFoundError:
            return None

    def _stored_names(self) -> str:
        names = self._runs.model_names()
        return (
            "models: " + ", ".join(names[:10]) + (", ..." if len(names) > 10 else "") if names else "none yet"
        )
