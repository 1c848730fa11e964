"""Each monitored feature of the log compared with the reference, and judged on its effect size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codemill.domain.drift import (
    FEATURES,
    DriftStatus,
    DriftThresholds,
    FeatureDrift,
    FeatureKind,
    MonitoredFeature,
    judge,
)
from codemill.domain.ports.drift_statistics import DriftStatistics
from codemill.domain.prediction_record import PredictionRecord


@dataclass(frozen=True, kw_only=True)
class ComparedFeature:
    """A feature's verdict and the values on each side (for its figure)."""

    drift: FeatureDrift
    reference: tuple[Any, ...]
    current: tuple[Any, ...]


def compare_features(
    reference: Sequence[PredictionRecord],
    current: Sequence[PredictionRecord],
    *,
    statistics: DriftStatistics,
    thresholds: DriftThresholds,
) -> list[ComparedFeature]:
    """Every feature that has a value on either side, in FEATURES order; None values are left out.

    A feature with no value on one side, or fewer than `min_samples`, is
    'insufficient' (reported, not judged).
    """
    compared = []
    for feature in FEATURES:
        ref = tuple(v for r in reference if (v := r.value(feature.name)) is not None)
        cur = tuple(v for r in current if (v := r.value(feature.name)) is not None)
        if ref or cur:
            drift = _compare(feature, ref, cur, statistics, thresholds)
            compared.append(ComparedFeature(drift=drift, reference=ref, current=cur))
    return compared


def _compare(
    feature: MonitoredFeature,
    ref: Sequence[Any],
    cur: Sequence[Any],
    statistics: DriftStatistics,
    thresholds: DriftThresholds,
) -> FeatureDrift:
    numeric = feature.kind is FeatureKind.NUMERIC
    psi = statistic = p_value = js = None
    status = DriftStatus.INSUFFICIENT
    if ref and cur:
        psi, statistic, p_value, js = _figures(feature, ref, cur, statistics)
        status = judge(psi, reference_count=len(ref), current_count=len(cur), thresholds=thresholds)
    return FeatureDrift(
        name=feature.name,
        kind=feature.kind,
        status=status,
        psi=psi,
        test="ks" if numeric else "chi2",
        statistic=statistic,
        p_value=p_value,
        js_distance=js,
        reference_count=len(ref),
        current_count=len(cur),
        reference=_summary(numeric, ref),
        current=_summary(numeric, cur),
    )


def _figures(
    feature: MonitoredFeature, ref: Sequence[Any], cur: Sequence[Any], statistics: DriftStatistics
) -> tuple[float, float, float, float | None]:
    """PSI, the test's statistic and p-value, and the Jensen-Shannon distance (categorical only);
    numeric values rounded to the feature's resolution first."""
    numeric = feature.kind is FeatureKind.NUMERIC
    if numeric:
        found = statistics.numeric(
            [feature.comparable(float(v)) for v in ref], [feature.comparable(float(v)) for v in cur]
        )
        return found.psi, found.ks_statistic, found.ks_p_value, None
    counted = statistics.categorical(Counter(map(str, ref)), Counter(map(str, cur)))
    return counted.psi, counted.chi2_statistic, counted.chi2_p_value, counted.js_distance


def _summary(numeric: bool, values: Sequence[Any]) -> float | Mapping[str, float] | None:
    """The mean of numeric values; the share of each category, most frequent first."""
    if not values:
        return None
    if numeric:
        return sum(float(v) for v in values) / len(values)
    counts = Counter(map(str, values))
    return {category: count / len(values) for category, count in counts.most_common()}
