"""SetAlias: point an alias of a registered model at one of its versions."""

from __future__ import annotations

from dataclasses import dataclass

from codemill.application.registry.alias_mover import AliasMoved, AliasMover
from codemill.domain.ports.model_registry import ModelRegistry
from codemill.domain.registry import check_alias, check_model_name


@dataclass(frozen=True, kw_only=True)
class AliasRequest:
    name: str
    alias: str  # [a-z][a-z0-9-]{0,39}; created by its first move
    version: int
    reason: str = ""


class SetAlias:
    """Create an alias or move it to another version (the result is `AliasMoved`).

    - The version must be complete; an unknown one is a one-line error that
      names the versions there are.
    - The move is one more entry in the alias's history (see AliasMover).
    """

    def __init__(self, *, registry: ModelRegistry, mover: AliasMover) -> None:
        self._registry = registry
        self._mover = mover

    def execute(self, request: AliasRequest) -> AliasMoved:
        check_model_name(request.name)
        check_alias(request.alias)
        self._registry.version(request.name, request.version)
        return self._mover.move(
            request.name, request.alias, lambda _: request.version, action="alias", reason=request.reason
        )
