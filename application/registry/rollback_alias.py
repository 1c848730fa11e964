"""RollbackAlias: an alias goes back to the version it pointed at before its current one."""

from __future__ import annotations

from dataclasses import dataclass

from codemill.application.registry.alias_mover import AliasMoved, AliasMover
from codemill.domain.alias_history import AliasMove, rollback_target
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.ports.model_registry import ModelRegistry
from codemill.domain.registry import check_alias, check_model_name


@dataclass(frozen=True, kw_only=True)
class RollbackRequest:
    name: str
    alias: str
    reason: str = ""


class RollbackAlias:
    """Move an alias back one step in its history (the result is `AliasMoved`).

    - The target is the version before the current one once earlier
      rollbacks are undone: after 1 -> 2 -> 3, rollbacks go to 2, then 1.
    - An alias without a previous version, or that does not exist, is a
      one-line error; the rollback is itself an entry of the history.
    """

    def __init__(self, *, registry: ModelRegistry, mover: AliasMover) -> None:
        self._registry = registry
        self._mover = mover

    def execute(self, request: RollbackRequest) -> AliasMoved:
        check_model_name(request.name)
        check_alias(request.alias)

        def decide(history: list[AliasMove]) -> int:
            if not history:
                aliases = ", ".join(self._registry.aliases(request.name)) or "none yet"
                raise ArtifactNotFoundError(
                    f"alias {request.alias!r} of {request.name!r} does not exist (aliases: {aliases})"
                )
            target = rollback_target(history)
            if target is None:
                raise InputError(
                    f"alias {request.alias!r} of {request.name!r} has no previous version to roll back to "
                    f"(it points at version {history[-1].to_version})"
                )
            return target

        return self._mover.move(request.name, request.alias, decide, action="rollback", reason=request.reason)
