"""Summaries of token lengths, to show how much a maximum length truncates."""

from __future__ import annotations

import math
from collections.abc import Sequence

from codemill.application.datasets.summary import LengthSummary


def length_summary(lengths: Sequence[int], max_length: int) -> LengthSummary:
    """count, mean (2 decimals), p50, p95 (nearest rank), max, and `truncated`: how many exceed `max_length`.

    Every value is 0 for no lengths.
    """
    if not lengths:
        return LengthSummary(count=0, mean=0.0, p50=0, p95=0, max=0, truncated=0)
    ordered = sorted(lengths)
    return LengthSummary(
        count=len(ordered),
        mean=round(sum(ordered) / len(ordered), 2),
        p50=_nearest_rank(ordered, 50),
        p95=_nearest_rank(ordered, 95),
        max=ordered[-1],
        truncated=sum(1 for length in ordered if length > max_length),
    )


def _nearest_rank(ordered: Sequence[int], percent: int) -> int:
    """The smallest value with at least `percent`% of the values at or below it."""
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]
