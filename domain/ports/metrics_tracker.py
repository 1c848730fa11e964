"""Port: the metrics a training run logs, and the files that record them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from codemill.domain.training import Mode


class MetricsTracker(Protocol):
    """Collects logged values by step and renders them as run artifacts.

    Contract:
    - `log` records one entry per call; `phase` is 'train' or 'eval' (anything
      else raises ValueError); a `step` key in `values` is ignored (the `step`
      argument wins) and, in the eval phase, an `eval_` prefix is dropped, so
      'eval_loss' and 'loss' name the same eval metric;
    - `best` is the (step, value) of the best finite eval value of `metric`
      (an `eval_` prefix is dropped), the earliest step winning ties; `mode`
      None means 'min' for loss-like names ('loss', '*_loss') and 'max'
      otherwise; None when the metric was never evaluated;
    - `files` returns the artifacts to publish, keyed by '/'-separated
      relative paths (e.g. 'metrics/history.json'), and can be called at any
      time; values logged later appear in the next call.
    """

    def log(self, step: int, values: Mapping[str, float], *, phase: str) -> None: ...

    def best(self, metric: str, mode: Mode | None = None) -> tuple[int, float] | None: ...

    def files(self) -> dict[str, bytes]: ...
