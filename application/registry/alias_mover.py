"""Moving an alias: one more entry in its append-only history, safe against concurrent movers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from codemill.domain.alias_history import Action, AliasMove, current_version
from codemill.domain.errors import StorageError
from codemill.domain.ports.model_registry import ModelRegistry
from codemill.domain.registry import check_alias, check_model_name

log = logging.getLogger("codemill.registry")
MAX_ATTEMPTS = 100


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, kw_only=True)
class AliasMoved:
    """The result of every alias move (set, promote, rollback, register --alias): the entry written."""

    name: str
    move: AliasMove
    attempts: int  # 1 unless concurrent movers took the slots tried before
    atomic: bool  # whether the backend creates history entries atomically

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, **self.move.to_dict(), "attempts": self.attempts, "atomic": self.atomic}


class AliasMover:
    """Appends one move to an alias's history, whatever other movers do meanwhile.

    - The move is decided on the history as read: `decide` gets it and
      returns the target version (or raises); the entry is created at the
      next sequence number with a conditional create.
    - When another mover took that slot, the history is read again and the
      move decided again for the next slot: each slot has one winner, every
      move lands in the history in order, and each entry's `from` is the
      previous entry's `to`.
    - After `max_attempts` lost slots it gives up with a one-line StorageError.
    """

    def __init__(
        self,
        registry: ModelRegistry,
        *,
        user: str,
        clock: Callable[[], str] = utc_now,
        pause: Callable[[float], None] = time.sleep,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._registry = registry
        self._user = user
        self._clock = clock
        self._pause = pause
        self._max_attempts = max_attempts

    def move(
        self, name: str, alias: str, decide: Callable[[list[AliasMove]], int], *, action: Action, reason: str
    ) -> AliasMoved:
        check_model_name(name)
        check_alias(alias)
        lost_at = 0
        for attempt in range(1, self._max_attempts + 1):
            history = self._registry.history(name, alias)
            seq = history[-1].seq + 1 if history else 1
            if seq <= lost_at:  # the listing does not show the entry that beat us yet
                self._pause(min(0.02 * attempt, 0.5))
                continue
            move = self._entry(alias, seq, current_version(history), decide(history), action, reason)
            if self._registry.append_move(name, move):
                log.info("%s@%s: %s -> %s (%s)", name, alias, move.from_version, move.to_version, action)
                return AliasMoved(
                    name=name, move=move, attempts=attempt, atomic=self._registry.conditional_writes
                )
            lost_at = seq
        raise StorageError(
            f"alias {alias!r} of {name!r} kept moving under us: gave up after "
            f"{self._max_attempts} attempts; try again"
        )

    def _entry(
        self, alias: str, seq: int, source: int | None, target: int, action: Action, reason: str
    ) -> AliasMove:
        return AliasMove(
            seq=seq,
            alias=alias,
            from_version=source,
            to_version=target,
            action=action,
            reason=reason,
            user=self._user,
            time=self._clock(),
        )
