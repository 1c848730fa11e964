"""Logged training metrics in order, with their best values and JSON/CSV renderings."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from typing import Any

from codemill.domain.training import Mode

PHASES = ("train", "eval")
EVAL_PREFIX = "eval_"
#: Logged alongside eval metrics but not measures of quality: no 'best' for them.
BOOKKEEPING = frozenset(
    {"epoch", "runtime", "samples_per_second", "steps_per_second", "tokens_per_second", "memory_mb"}
    | {"learning_rate", "grad_norm", "total_flos"}
)


def default_mode(metric: str) -> Mode:
    """'min' for loss-like names ('loss', '*_loss', 'perplexity'), 'max' for every other metric."""
    return "min" if metric in {"loss", "perplexity"} or metric.endswith("_loss") else "max"


def metric_name(name: str, phase: str) -> str:
    """The name a value is kept under: eval values lose their 'eval_' prefix."""
    return name[len(EVAL_PREFIX) :] if phase == "eval" and name.startswith(EVAL_PREFIX) else name


class MetricsHistory:
    """Entries `{step, phase, name: value, ...}` in logging order; non-numeric values are dropped."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def add(self, step: int, values: Mapping[str, float], phase: str) -> dict[str, float]:
        """Record one entry and return its metric values, normalized; ValueError for an unknown phase."""
        if phase not in PHASES:
            raise ValueError(f"unknown metrics phase {phase!r}: use 'train' or 'eval'")
        metrics = {
            metric_name(key, phase): float(value)
            for key, value in values.items()
            if key != "step" and isinstance(value, int | float) and not isinstance(value, bool)
        }
        self.entries.append({"step": int(step), "phase": phase, **metrics})
        return metrics

    def series(self, metric: str, phase: str) -> list[tuple[int, float]]:
        """(step, value) of every finite `metric` logged in `phase`, in logging order."""
        return [
            (e["step"], e[metric])
            for e in self.entries
            if e["phase"] == phase and metric in e and math.isfinite(e[metric])
        ]

    def best(self, metric: str, mode: Mode | None = None) -> tuple[int, float] | None:
        points = self.series(metric_name(metric, "eval"), "eval")
        if not points:
            return None
        sign = 1.0 if (mode or default_mode(metric_name(metric, "eval"))) == "min" else -1.0
        return min(points, key=lambda point: (sign * point[1], point[0]))

    def best_all(self) -> dict[str, dict[str, Any]]:
        """{metric: {step, value, mode}} for every eval metric that has a finite value."""
        names = {k for e in self.entries if e["phase"] == "eval" for k in e} - {"step", "phase"} - BOOKKEEPING
        found = {name: self.best(name) for name in sorted(names)}
        return {
            name: {"step": point[0], "value": point[1], "mode": default_mode(name)}
            for name, point in found.items()
            if point is not None
        }

    def to_json(self) -> bytes:
        """The entries as a JSON list; NaN and infinities become null (strict JSON)."""
        rows = [{k: _finite_or_none(v) for k, v in e.items()} for e in self.entries]
        return (json.dumps(rows, indent=2, allow_nan=False) + "\n").encode("utf-8")

    def to_csv(self) -> bytes:
        """One row per entry; columns step, phase, then every name in first-logged order; blanks if unset."""
        columns = list(dict.fromkeys(k for e in self.entries for k in e)) or ["step", "phase"]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.entries)
        return buffer.getvalue().encode("utf-8")


def _finite_or_none(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value
