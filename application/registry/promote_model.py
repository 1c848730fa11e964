"""PromoteModel: one alias takes the version another points at (staging -> production)."""

from __future__ import annotations

from dataclasses import dataclass

from codemill.application.registry.alias_mover import AliasMoved, AliasMover
from codemill.domain.alias_history import AliasMove, current_version
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.ports.model_registry import ModelRegistry
from codemill.domain.registry import RegistryReference, ValidationVerdict, check_alias, check_model_name


@dataclass(frozen=True, kw_only=True)
class PromoteRequest:
    name: str
    source: str = "staging"  # the alias whose version is promoted
    target: str = "production"  # the alias that takes it
    reason: str = ""
    require_validation: bool = False  # refuse a version without a passed validation report


class PromoteModel:
    """Point `target` at the version `source` points at now (the result is `AliasMoved`).

    - `source` must exist; it is read again whenever a concurrent move makes
      the promotion retry, so the target takes the source's latest version.
    - With `require_validation`, the version's verdict must be a pass: its
      latest report as a registry version (`codemill validate
      registry:NAME/N`), else the verdict recorded when it was registered. A
      missing or failed report is a one-line error naming the version.
    """

    def __init__(self, *, registry: ModelRegistry, mover: AliasMover) -> None:
        self._registry = registry
        self._mover = mover

    def execute(self, request: PromoteRequest) -> AliasMoved:
        check_model_name(request.name)
        check_alias(request.source)
        check_alias(request.target)
        if request.source == request.target:
            raise InputError(f"cannot promote alias {request.source!r} to itself: pick another --to")

        def decide(_: list[AliasMove]) -> int:
            version = self._source_version(request)
            if request.require_validation:
                require_passed(self._registry, request.name, version)
            return version

        return self._mover.move(request.name, request.target, decide, action="promote", reason=request.reason)

    def _source_version(self, request: PromoteRequest) -> int:
        version = current_version(self._registry.history(request.name, request.source))
        if version is None:
            aliases = ", ".join(self._registry.aliases(request.name)) or "none yet"
            raise ArtifactNotFoundError(
                f"alias {request.source!r} of {request.name!r} does not exist (aliases: {aliases}): "
                "nothing to promote"
            )
        return version


def verdict_of(registry: ModelRegistry, name: str, version: int) -> ValidationVerdict | None:
    """The version's latest validation: its own report as a registry version, else the recorded one."""
    own = registry.validation(name, version)
    if own is not None:
        return own
    recorded = registry.version(name, version).record.get("validation")
    if not isinstance(recorded, dict) or "passed" not in recorded:
        return None
    return ValidationVerdict(
        passed=bool(recorded["passed"]),
        report=str(recorded.get("report", "")),
        created_at=str(recorded.get("created_at", "")),
        dataset=recorded.get("dataset"),
    )


def require_passed(registry: ModelRegistry, name: str, version: int) -> None:
    reference = RegistryReference(name=name, version=version)
    verdict = verdict_of(registry, name, version)
    if verdict is None:
        raise InputError(
            f"version {version} of {name!r} has no validation report: run `codemill validate {reference}` "
            "first, or promote without --require-validation"
        )
    if not verdict.passed:
        raise InputError(
            f"version {version} of {name!r} failed validation (report {verdict.report}): "
            "promote a version that passed"
        )
