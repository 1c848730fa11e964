"""An alias's append-only history: one entry per move, replayed to find where it points and where back is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from codemill.domain.errors import IntegrityError

Action = Literal["register", "alias", "promote", "rollback"]
ACTIONS: tuple[Action, ...] = ("register", "alias", "promote", "rollback")


@dataclass(frozen=True, kw_only=True)
class AliasMove:
    """One entry: the alias moved from one version (None: it did not exist) to another."""

    seq: int  # 1, 2, 3, ...: the entry's place in the history
    alias: str
    from_version: int | None
    to_version: int
    action: Action
    reason: str
    user: str
    time: str  # UTC, ISO 8601

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "user": self.user,
            "alias": self.alias,
            "from": self.from_version,
            "to": self.to_version,
            "action": self.action,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str) -> AliasMove:
        try:
            action = str(data["action"])
            if action not in ACTIONS:
                raise ValueError(f"unknown action {action!r}")
            source = data["from"]
            return cls(
                seq=int(data["seq"]),
                alias=str(data["alias"]),
                from_version=None if source is None else int(source),
                to_version=int(data["to"]),
                action=action,
                reason=str(data.get("reason", "")),
                user=str(data.get("user", "")),
                time=str(data.get("time", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IntegrityError(f"{where} is not an alias history entry ({exc})") from None


def current_version(history: Sequence[AliasMove]) -> int | None:
    """Where the alias points now: its highest entry's target (None: no entry yet)."""
    return history[-1].to_version if history else None


def version_stack(history: Sequence[AliasMove]) -> list[int]:
    """The versions the alias went through that a rollback can return to, oldest first.

    Every move to another version pushes it; a rollback pops the top; a move
    to the version it already points at changes nothing. The top is the
    current version.
    """
    stack: list[int] = []
    for move in history:
        if move.action == "rollback":
            if stack:
                stack.pop()
            if not stack or stack[-1] != move.to_version:
                stack.append(move.to_version)  # a history that does not replay cleanly: trust the entry
        elif not stack or stack[-1] != move.to_version:
            stack.append(move.to_version)
    return stack


def rollback_target(history: Sequence[AliasMove]) -> int | None:
    """The version a rollback returns to: the one before the current in the stack; None when there is none."""
    stack = version_stack(history)
    return stack[-2] if len(stack) > 1 else None
