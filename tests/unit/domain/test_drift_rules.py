"""The drift decision: PSI thresholds, too few values, and which features are named."""

from __future__ import annotations

import pytest

from codemill.domain.drift import (
    FEATURES,
    DriftStatus,
    DriftThresholds,
    FeatureDrift,
    FeatureKind,
    drifted,
    judge,
    warned,
)
from codemill.domain.errors import InputError
from codemill.domain.prediction_record import PredictionRecord

DEFAULT = DriftThresholds()


@pytest.mark.parametrize(
    ("psi", "status"),
    [
        (0.0, DriftStatus.OK),
        (0.099, DriftStatus.OK),
        (0.1, DriftStatus.WARNING),
        (0.199, DriftStatus.WARNING),
        (0.2, DriftStatus.DRIFT),
        (7.9, DriftStatus.DRIFT),
    ],
)
def test_psi_decides_at_0_1_and_0_2(psi: float, status: DriftStatus) -> None:
    assert judge(psi, reference_count=100, current_count=100, thresholds=DEFAULT) is status


def test_too_few_values_on_either_side_are_not_judged_whatever_the_psi() -> None:
    for counts in ((29, 500), (500, 29), (0, 0)):
        found = judge(5.0, reference_count=counts[0], current_count=counts[1], thresholds=DEFAULT)
        assert found is DriftStatus.INSUFFICIENT
    assert judge(5.0, reference_count=30, current_count=30, thresholds=DEFAULT) is DriftStatus.DRIFT


def test_thresholds_can_be_moved_and_must_stay_ordered() -> None:
    strict = DriftThresholds(warning=0.05, drift=0.1, min_samples=5)
    assert judge(0.07, reference_count=5, current_count=5, thresholds=strict) is DriftStatus.WARNING
    with pytest.raises(InputError, match="warning <= drift"):
        DriftThresholds(warning=0.3, drift=0.2)
    with pytest.raises(InputError, match="0 < warning"):
        DriftThresholds(warning=0.0)
    with pytest.raises(InputError, match="min_samples"):
        DriftThresholds(min_samples=0)


def test_drifted_and_warned_name_the_features_in_order() -> None:
    def feature(name: str, status: DriftStatus) -> FeatureDrift:
        return FeatureDrift(
            name=name,
            kind=FeatureKind.NUMERIC,
            status=status,
            psi=None,
            test="ks",
            statistic=None,
            p_value=None,
            js_distance=None,
            reference_count=0,
            current_count=0,
        )

    features = [
        feature("tokens", DriftStatus.DRIFT),
        feature("language", DriftStatus.WARNING),
        feature("label", DriftStatus.DRIFT),
        feature("oov_rate", DriftStatus.INSUFFICIENT),
    ]
    assert drifted(features) == ("tokens", "label")
    assert warned(features) == ("language",)


def test_every_monitored_feature_is_a_field_of_the_logged_record() -> None:
    fields = set(PredictionRecord.__dataclass_fields__)
    assert {feature.name for feature in FEATURES} <= fields
    assert {f.name for f in FEATURES if f.kind is FeatureKind.CATEGORICAL} == {"language", "label"}
