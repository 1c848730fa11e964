"""Port: the statistics that compare a reference sample of a feature with a current one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True, kw_only=True)
class NumericComparison:
    psi: float  # over the reference's quantile bins
    ks_statistic: float
    ks_p_value: float


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoricalComparison:
    psi: float  # over the categories of either side
    chi2_statistic: float
    chi2_p_value: float
    js_distance: float  # Jensen-Shannon distance, base 2: 0 (same shares) to 1 (no category shared)


class DriftStatistics(Protocol):
    """Two-sample comparisons (see domain.drift for how they are read).

    Contract: `numeric` bins both samples at the reference's `bins`-quantiles
    (edges deduplicated, so a feature with few distinct values gets fewer
    bins), computes PSI over the bins' shares with half a count added to
    every bin that either side fills (so that a bin empty on one side keeps
    PSI finite), and the two-sample Kolmogorov-Smirnov test.
    `categorical` takes counts per category; PSI
    uses the union of both sides' categories, smoothed the same way; the
    chi-square test is that of the 2 x K contingency table (statistic 0,
    p-value 1 with a single category); the Jensen-Shannon distance is over
    the raw shares. Both samples are non-empty; results are plain floats.
    """

    def numeric(
        self, reference: Sequence[float], current: Sequence[float], *, bins: int = 10
    ) -> NumericComparison: ...

    def categorical(
        self, reference: Mapping[str, int], current: Mapping[str, int]
    ) -> CategoricalComparison: ...
