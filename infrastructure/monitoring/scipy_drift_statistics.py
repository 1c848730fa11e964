"""DriftStatistics with numpy and scipy: PSI, Kolmogorov-Smirnov, chi-square, Jensen-Shannon."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp

from codemill.domain.ports.drift_statistics import CategoricalComparison, NumericComparison

SMOOTHING = 0.5  # counts added to every bin before PSI, so an empty bin keeps it finite


class ScipyDriftStatistics:
    """DriftStatistics (see the port) on numpy and scipy.stats."""

    def numeric(
        self, reference: Sequence[float], current: Sequence[float], *, bins: int = 10
    ) -> NumericComparison:
        ref, cur = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
        edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
        ref_counts = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1)
        cur_counts = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1)
        test = ks_2samp(ref, cur)
        return NumericComparison(
            psi=psi(ref_counts, cur_counts),
            ks_statistic=float(test.statistic),
            ks_p_value=float(test.pvalue),
        )

    def categorical(self, reference: Mapping[str, int], current: Mapping[str, int]) -> CategoricalComparison:
        categories = sorted(set(reference) | set(current))
        ref_counts = np.array([reference.get(c, 0) for c in categories], dtype=float)
        cur_counts = np.array([current.get(c, 0) for c in categories], dtype=float)
        if len(categories) < 2:
            statistic, p_value = 0.0, 1.0
        else:
            test = chi2_contingency(np.vstack([ref_counts, cur_counts]))
            statistic, p_value = float(test.statistic), float(test.pvalue)
        distance = jensenshannon(ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum(), base=2)
        return CategoricalComparison(
            psi=psi(ref_counts, cur_counts),
            chi2_statistic=statistic,
            chi2_p_value=p_value,
            js_distance=0.0 if math.isnan(distance) else float(distance),
        )


def psi(reference_counts: np.ndarray, current_counts: np.ndarray) -> float:
    """Population stability index of two count vectors over the same bins, smoothed by SMOOTHING.

    Bins that neither side fills are left out first: they say nothing, and
    smoothing them would tilt the shares of samples of different sizes.
    """
    used = (reference_counts + current_counts) > 0
    ref_counts, cur_counts = reference_counts[used], current_counts[used]
    ref = (ref_counts + SMOOTHING) / (ref_counts.sum() + SMOOTHING * len(ref_counts))
    cur = (cur_counts + SMOOTHING) / (cur_counts.sum() + SMOOTHING * len(cur_counts))
    return float(np.sum((cur - ref) * np.log(cur / ref)))
