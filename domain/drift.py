"""Drift decisions: which features are watched, and when a difference counts as drift.

Effect size decides, not p-values. With thousands of logged inputs, a
two-sample test finds a "significant" difference in almost any feature,
however small; with a few dozen it finds none, however large. The
population stability index (PSI) measures how far the shares moved, whatever
the sample size: PSI = sum over bins of (current - reference) * ln(current /
reference). The usual reading, kept here as the default thresholds: under 0.1
no meaningful change, 0.1 to 0.2 a moderate one (warning), 0.2 or more a
shift that needs attention (drift). Numeric features are binned at the
reference's deciles; categorical features use their categories as bins, so
one rule judges both. KS, chi-square and Jensen-Shannon figures are reported
beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from codemill.domain.errors import InputError


class FeatureKind(StrEnum):
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"


class DriftStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    DRIFT = "drift"
    INSUFFICIENT = "insufficient"  # too few values on one side to judge


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitoredFeature:
    """A PredictionRecord field that drift monitoring compares.

    `resolution`: numeric values are rounded to it before they are compared,
    so that differences too small to matter (a confidence of 0.3361 against
    0.3362) cannot fill different quantile bins and pass for drift.
    """

    name: str
    kind: FeatureKind
    description: str
    resolution: float | None = None

    def comparable(self, value: float) -> float:
        if self.resolution is None:
            return value
        return round(value / self.resolution) * self.resolution


def _numeric(name: str, description: str, resolution: float) -> MonitoredFeature:
    return MonitoredFeature(
        name=name, kind=FeatureKind.NUMERIC, description=description, resolution=resolution
    )


def _categorical(name: str, description: str) -> MonitoredFeature:
    return MonitoredFeature(name=name, kind=FeatureKind.CATEGORICAL, description=description)


FEATURES = (
    _numeric("tokens", "input length in tokens", 1.0),
    _categorical("language", "guessed language"),
    _numeric("complexity", "cyclomatic complexity (Python only)", 1.0),
    _numeric("oov_rate", "share of unknown tokens", 0.01),
    _categorical("label", "predicted label"),
    _numeric("confidence", "highest probability", 0.01),
    _numeric("output_length", "generated length in tokens", 1.0),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftThresholds:
    """PSI at or over `warning` warns, at or over `drift` is drift; fewer than `min_samples`
    values on either side are not judged."""

    warning: float = 0.1
    drift: float = 0.2
    min_samples: int = 30

    def __post_init__(self) -> None:
        if not 0 < self.warning <= self.drift:
            raise InputError(
                f"PSI thresholds need 0 < warning <= drift, got warning {self.warning} and drift {self.drift}"
            )
        if self.min_samples < 1:
            raise InputError(f"min_samples must be at least 1, got {self.min_samples}")


def judge(
    psi: float, *, reference_count: int, current_count: int, thresholds: DriftThresholds
) -> DriftStatus:
    """The status of one feature from its PSI and how many values each side had."""
    if min(reference_count, current_count) < thresholds.min_samples:
        return DriftStatus.INSUFFICIENT
    if psi >= thresholds.drift:
        return DriftStatus.DRIFT
    if psi >= thresholds.warning:
        return DriftStatus.WARNING
    return DriftStatus.OK


@dataclass(frozen=True, kw_only=True)
class FeatureDrift:
    """One feature compared: the decision, the effect size that made it, and the test beside it.

    `test` is 'ks' (numeric) or 'chi2' (categorical), with its statistic and
    p-value; `js_distance` (base 2, 0 to 1) is set for categorical features;
    `reference`/`current` summarise each side: the mean of a numeric
    feature, the shares of each category of a categorical one.
    """

    name: str
    kind: FeatureKind
    status: DriftStatus
    psi: float | None
    test: str
    statistic: float | None
    p_value: float | None
    js_distance: float | None
    reference_count: int
    current_count: int
    reference: float | Mapping[str, float] | None = None
    current: float | Mapping[str, float] | None = None


def drifted(features: Iterable[FeatureDrift]) -> tuple[str, ...]:
    """Names of the features judged as drift."""
    return tuple(feature.name for feature in features if feature.status is DriftStatus.DRIFT)


def warned(features: Iterable[FeatureDrift]) -> tuple[str, ...]:
    return tuple(feature.name for feature in features if feature.status is DriftStatus.WARNING)
