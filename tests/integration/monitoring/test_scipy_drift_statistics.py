"""PSI, KS, chi-square and Jensen-Shannon on numpy and scipy, checked against known values."""

from __future__ import annotations

import math
import random

import pytest

from codemill.infrastructure.monitoring.scipy_drift_statistics import ScipyDriftStatistics

STATS = ScipyDriftStatistics()


def test_samples_of_one_distribution_stay_under_the_warning_threshold() -> None:
    rng = random.Random(1)
    reference = [rng.gauss(50, 10) for _ in range(2000)]
    current = [rng.gauss(50, 10) for _ in range(2000)]
    found = STATS.numeric(reference, current)
    assert found.psi < 0.05 and found.ks_p_value > 0.01


def test_a_shifted_distribution_is_over_the_drift_threshold_and_the_test_agrees() -> None:
    rng = random.Random(2)
    reference = [rng.gauss(50, 10) for _ in range(1000)]
    current = [rng.gauss(60, 10) for _ in range(1000)]
    found = STATS.numeric(reference, current)
    assert found.psi > 0.2 and found.ks_statistic > 0.3 and found.ks_p_value < 1e-6


def test_identical_or_constant_samples_have_no_drift() -> None:
    assert STATS.numeric([3.0] * 40, [3.0] * 40).psi == 0.0
    assert STATS.numeric([0.0] * 24, [0.0] * 72).psi == 0.0  # bins neither side fills are left out
    same = STATS.numeric([1.0, 2.0, 3.0, 4.0] * 10, [4.0, 3.0, 2.0, 1.0] * 20)
    assert same.psi < 0.01 and same.ks_statistic == 0.0  # the smoothing weighs a little on 40 against 80


def test_numeric_psi_uses_the_reference_deciles_with_half_a_count_in_each_bin() -> None:
    reference = [float(v) for v in range(100)]  # ten values a decile
    current = [float(v) for v in range(50)] * 2  # the lower half twice: 20 a decile, none above
    ref = [(10 + 0.5) / 105] * 10
    cur = [(20 + 0.5) / 105] * 5 + [0.5 / 105] * 5
    expected = sum((c - r) * math.log(c / r) for r, c in zip(ref, cur, strict=True))
    assert STATS.numeric(reference, current).psi == pytest.approx(expected)


def test_categorical_comparisons() -> None:
    same = STATS.categorical({"python": 30, "go": 30}, {"python": 10, "go": 10})
    assert (same.psi, same.chi2_statistic, same.chi2_p_value, same.js_distance) == (0.0, 0.0, 1.0, 0.0)
    disjoint = STATS.categorical({"python": 30, "go": 30}, {"javascript": 40})
    assert disjoint.psi > 2 and disjoint.js_distance == pytest.approx(1.0) and disjoint.chi2_p_value < 1e-9
    single = STATS.categorical({"python": 5}, {"python": 50})
    assert (single.psi, single.chi2_statistic, single.chi2_p_value) == (0.0, 0.0, 1.0)
