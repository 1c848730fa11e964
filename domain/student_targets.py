"""What a distilled student must achieve against its teacher, and whether it did."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codemill.domain.errors import InputError


@dataclass(frozen=True, kw_only=True)
class TargetVerdict:
    """One target: the measured figure, the bound, and whether it is met (None: not measured)."""

    name: str
    line: str  # what was measured against what, in words
    met: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "line": self.line, "met": self.met}


@dataclass(frozen=True, kw_only=True)
class StudentTargets:
    """A student worth having: at most `max_params_ratio` of the teacher's parameters (embeddings
    included), at least `min_retention` of its primary metric, at least `min_speedup` times faster
    at batch 1 on CPU."""

    max_params_ratio: float = 0.25
    min_retention: float = 0.95
    min_speedup: float = 2.0

    def __post_init__(self) -> None:
        if not (self.max_params_ratio > 0 and self.min_retention >= 0 and self.min_speedup > 0):
            raise InputError("student targets must be positive (min_retention may be 0)")

    def verdicts(self, report: Mapping[str, Any]) -> list[TargetVerdict]:
        """One verdict per target, from a distillation report (params_ratio, retention, speedup, metric)."""
        ratio, kept, speed = (_number(report.get(key)) for key in ("params_ratio", "retention", "speedup"))
        metric = str(report.get("metric") or "primary metric")
        return [
            TargetVerdict(
                name="parameters",
                line=f"{_text(ratio, '.3g')} of the teacher's parameters "
                f"(target at most {self.max_params_ratio:g})",
                met=None if ratio is None else ratio <= self.max_params_ratio,
            ),
            TargetVerdict(
                name="retention",
                line=f"keeps {_text(kept, '.1%')} of the teacher's {metric} "
                f"(target at least {self.min_retention:.0%})",
                met=None if kept is None else kept >= self.min_retention,
            ),
            TargetVerdict(
                name="speed",
                line=f"{_text(speed, '.2g')}x faster at batch 1 on CPU "
                f"(target at least {self.min_speedup:g}x)",
                met=None if speed is None else speed >= self.min_speedup,
            ),
        ]


def _text(value: float | None, spec: str) -> str:
    return "an unmeasured share" if value is None else format(value, spec)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
