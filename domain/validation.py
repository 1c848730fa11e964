"""Validation checks of a model: their results, thresholds and the verdict."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from codemill.domain.errors import InputError

CheckStatus = Literal["pass", "warn", "fail", "skip"]
CHECKS = ("integrity", "load", "inference", "performance", "quality", "calibration")
QUICK_CHECKS = CHECKS[:3]
LOWER_IS_BETTER = frozenset({"loss", "ece"})


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """One named check: its status, a one-line explanation and its measured figures."""

    name: str
    status: CheckStatus
    details: str
    figures: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in ("pass", "warn", "fail", "skip"):
            raise ValueError(f"unknown check status {self.status!r}")
        object.__setattr__(self, "details", " ".join(self.details.split()))

    @property
    def failure_line(self) -> str:
        return f"{self.name}: {self.details}"


def passed(checks: Sequence[CheckResult]) -> bool:
    """A model passes when no check failed (warnings and skips do not fail it)."""
    return all(check.status != "fail" for check in checks)


def failure_lines(checks: Sequence[CheckResult]) -> tuple[str, ...]:
    """One line per failed check, in check order: 'NAME: reason'."""
    return tuple(check.failure_line for check in checks if check.status == "fail")


def parse_minimum(text: str) -> tuple[str, float]:
    """'accuracy=0.8' -> ('accuracy', 0.8); InputError naming the text otherwise."""
    name, sep, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not sep or not name.strip() or math.isnan(number):
        raise InputError(f"invalid threshold {text!r}: write METRIC=VALUE, e.g. accuracy=0.8")
    return name.strip(), number


def unmet_thresholds(metrics: Mapping[str, float], minimums: Mapping[str, float]) -> list[str]:
    """Each threshold a metric misses, as 'metric 0.61 < 0.8' (for loss and ece: '> max').

    A threshold on a metric that was not measured is unmet too, naming the metrics there are.
    """
    problems = []
    for name, bound in sorted(minimums.items()):
        value = metrics.get(name)
        if value is None or math.isnan(value):
            problems.append(f"{name} was not measured (measured: {', '.join(sorted(metrics)) or 'none'})")
        elif name in LOWER_IS_BETTER and value > bound:
            problems.append(f"{name} {value:.4g} > {bound:g}")
        elif name not in LOWER_IS_BETTER and value < bound:
            problems.append(f"{name} {value:.4g} < {bound:g}")
    return problems


@dataclass(frozen=True, kw_only=True)
class SplitPredictions:
    """A model's outputs on one dataset split, beside the truth.

    `kind` is 'single_label', 'multi_label' or 'seq2seq'. Classifiers give
    one row of raw class logits per sample (`logits`) and the truth as class
    ids (`labels`, single-label) or 0/1 rows (`label_rows`, multi-label);
    generators give decoded texts (`predictions`) and their `references`,
    with each sample's language (`languages`, empty when the dataset has no
    `language` column) for the syntax of generated code.
    """

    kind: str
    split: str
    logits: Sequence[Sequence[float]] = ()
    labels: Sequence[int] = ()
    label_rows: Sequence[Sequence[int]] = ()
    references: Sequence[str] = ()
    predictions: Sequence[str] = ()
    languages: Sequence[str] = ()

    @property
    def size(self) -> int:
        return len(self.references) if self.kind == "seq2seq" else len(self.logits)
