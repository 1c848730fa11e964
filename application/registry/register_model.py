"""RegisterModel: a published model (or a local model folder) becomes a new immutable registry version."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemill.application.registry.alias_mover import AliasMoved, AliasMover, utc_now
from codemill.application.training.publication import manifest_sha256
from codemill.domain.errors import ArtifactNotFoundError, InputError, StorageError
from codemill.domain.names import NAME_PATTERN
from codemill.domain.ports.model_lineage import ModelLineage
from codemill.domain.ports.model_registry import ModelRegistry
from codemill.domain.ports.run_repository import RunRepository
from codemill.domain.registry import ModelSource, RegistryReference, check_alias, check_model_name

log = logging.getLogger("codemill.registry")
STORED_PREFIX = "models/"
LINEAGE_FIELDS = ("model", "folder", "run", "dataset", "corpus", "teacher", "task", "validation")
MAX_CLAIMS = 1000


@dataclass(frozen=True, kw_only=True)
class RegisterRequest:
    model: str  # `models/NAME` or NAME (a model published in storage), or a local model folder
    name: str  # the registry model name
    alias: str | None = None  # an alias to point at the new version
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RegisterResult:
    name: str
    version: int
    reference: str  # registry:NAME/VERSION
    source: str
    manifest_sha256: str
    record: dict[str, Any] = field(default_factory=dict)  # what version.json holds
    alias: AliasMoved | None = None


class RegisterModel:
    """Copy a model into the registry as version N of NAME.

    - The source is a model published in storage (it wins over a local
      folder of the same name) or a local folder with config.json and
      safetensors weights; anything else is a one-line error.
    - N is the next number after the highest claimed one, taken by creating
      its claim object; when a concurrent registration took it, the next
      number is tried. A claimed number is never reused, even when its
      version is never completed.
    - The files are copied (a stored model's verified against its manifest),
      then version.json, then the manifest, last: an interrupted
      registration leaves an incomplete version that no reader sees.
    - version.json holds the lineage (source model, run, dataset and corpus
      with their manifest hashes, teacher, task, metrics, the validation
      verdict of a report on this very model), the code and library
      versions, the user, the UTC time and the reason.
    - With an alias, the alias then moves to the new version (action 'register').
    """

    def __init__(
        self,
        *,
        registry: ModelRegistry,
        lineage: ModelLineage,
        runs: RunRepository,
        mover: AliasMover,
        user: str,
        versions: Mapping[str, str],
        clock: Callable[[], str] = utc_now,
        scope: str = "",
    ) -> None:
        """`scope`: the storage prefix the models and runs read here live under ('' for the root, else
        e.g. 'pipelines/RUN_ID'); it names the source in version.json."""
        self._registry = registry
        self._lineage = lineage
        self._runs = runs
        self._mover = mover
        self._user = user
        self._versions = dict(versions)
        self._clock = clock
        self._scope = scope

    def execute(self, request: RegisterRequest) -> RegisterResult:
        check_model_name(request.name)
        if request.alias is not None:
            check_alias(request.alias)
        source = self._source(request.model)
        when = self._clock()
        record = self._record(request, source, when)
        version = self._claim(request.name, {"user": self._user, "time": when, "source": str(source)})
        record["version"] = version
        manifest = self._registry.publish_version(request.name, version, source, record)
        log.info("registered %s as version %d of %s", source, version, request.name)
        moved = None
        if request.alias is not None:
            moved = self._mover.move(
                request.name, request.alias, lambda _: version, action="register", reason=request.reason
            )
        return RegisterResult(
            name=request.name,
            version=version,
            reference=str(RegistryReference(name=request.name, version=version)),
            source=str(source),
            manifest_sha256=manifest_sha256(manifest),
            record=record,
            alias=moved,
        )

    def _source(self, model: str) -> ModelSource:
        """A model in storage (`models/NAME` or NAME) wins over a local folder of the same name."""
        stored = model.removeprefix(STORED_PREFIX)
        if NAME_PATTERN.fullmatch(stored) and self._published(stored):
            return ModelSource(kind="storage", location=stored, scope=self._scope)
        if model.startswith(STORED_PREFIX):
            raise ArtifactNotFoundError(f"model {model!r} is not published in storage ({self._known()})")
        folder = Path(model).expanduser()
        if folder.is_dir():
            return ModelSource(kind="local", location=str(folder.resolve()))
        raise InputError(
            f"model {model!r} is neither a model published in storage ({self._known()}) nor a local folder"
        )

    def _published(self, name: str) -> bool:
        try:
            self._runs.model_manifest(name)
        except ArtifactNotFoundError:
            return False
        return True

    def _known(self) -> str:
        names = self._runs.model_names()
        return (
            "models: " + ", ".join(names[:10]) + (", ..." if len(names) > 10 else "") if names else "none yet"
        )

    def _record(self, request: RegisterRequest, source: ModelSource, when: str) -> dict[str, Any]:
        if source.kind == "storage":
            lineage = self._lineage.of_stored_model(source.location)
        else:
            lineage = self._lineage.of_folder(source.location)
        return {
            "name": request.name,
            "version": None,
            "source": {"kind": source.kind, "location": str(source)},
            "scope": self._scope or None,  # where the run, dataset and corpus named below live in storage
            **{name: lineage.get(name) for name in LINEAGE_FIELDS},
            "metrics": dict(lineage.get("metrics") or {}),
            "trained_with": lineage.get("trained_with"),
            "code_version": self._versions.get("codemill", ""),
            "library_versions": self._versions,
            "registered_by": self._user,
            "registered_at": when,
            "reason": request.reason,
        }

    def _claim(self, name: str, claim: Mapping[str, Any]) -> int:
        taken = self._registry.claimed_versions(name)
        version = max(taken, default=0) + 1
        for _ in range(MAX_CLAIMS):
            if self._registry.claim(name, version, {**claim, "version": version}):
                return version
            log.info("version %d of %s was taken meanwhile: trying %d", version, name, version + 1)
            version += 1
        raise StorageError(f"could not claim a version number of {name!r} after {MAX_CLAIMS} tries")
