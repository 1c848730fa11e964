"""Which checkpoints to keep: the best N by a metric and the latest M; the best never goes."""

from __future__ import annotations

import math
from collections.abc import Sequence

from codemill.domain.training import CheckpointInfo, Mode


def _score(checkpoint: CheckpointInfo, metric: str, mode: Mode) -> float:
    value = checkpoint.metrics.get(metric)
    if value is None or math.isnan(value):
        return math.inf  # unmeasured checkpoints rank last
    return value if mode == "min" else -value


def best_checkpoint(checkpoints: Sequence[CheckpointInfo], metric: str, mode: Mode) -> CheckpointInfo | None:
    """The best checkpoint by `metric` (ties: the earliest step); None when there is none."""
    if not checkpoints:
        return None
    return min(checkpoints, key=lambda c: (_score(c, metric, mode), c.step))


def checkpoints_to_keep(
    checkpoints: Sequence[CheckpointInfo], metric: str, mode: Mode, *, keep_best: int, keep_latest: int
) -> set[int]:
    """Steps of the checkpoints to keep: the `keep_best` best and the `keep_latest` latest.

    Guarantees: the single best checkpoint is always in the result, whatever
    `keep_best` says; so is the latest one.
    """
    ranked = sorted(checkpoints, key=lambda c: (_score(c, metric, mode), c.step))
    latest = sorted(checkpoints, key=lambda c: c.step, reverse=True)
    keep = {c.step for c in ranked[: max(1, keep_best)]}
    keep |= {c.step for c in latest[: max(1, keep_latest)]}
    return keep
