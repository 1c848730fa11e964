"""Calibration math against hand-computed values: ECE bins, temperature scaling, MCC threshold sweep."""

from __future__ import annotations

import math

import pytest

from codemill.domain.calibration import (
    confidences_and_hits,
    expected_calibration_error,
    fit_temperature,
    negative_log_likelihood,
    reliability_bins,
    softmax,
)
from codemill.domain.threshold_sweep import best_threshold, binary_mcc, mcc_at


def test_ece_of_two_bins_by_hand() -> None:
    # 0.95 is in bin 14 (14/15, 1]: accuracy 1/2, gap 0.45
    # 0.55 is in bin 8 (8/15, 9/15]: accuracy 1, gap 0.45
    confidences, hits = [0.95, 0.95, 0.55, 0.55], [True, False, True, True]
    assert expected_calibration_error(confidences, hits) == pytest.approx(0.45)
    bins = reliability_bins(confidences, hits)
    assert len(bins) == 15 and [b.count for b in bins if b.count] == [2, 2]
    assert bins[14].accuracy == 0.5 and bins[8].confidence == pytest.approx(0.55)


def test_bin_edges_are_upper_inclusive_and_zero_goes_to_the_first_bin() -> None:
    bins = reliability_bins([0.0, 1 / 15, 1.0, 2 / 15 + 1e-9], [True, True, True, True])
    assert bins[0].count == 2 and bins[14].count == 1 and bins[2].count == 1


def test_a_perfectly_calibrated_set_has_zero_ece_and_no_samples_score_zero() -> None:
    assert expected_calibration_error([0.75] * 4, [True, True, True, False]) == pytest.approx(0.0)
    assert expected_calibration_error([], []) == 0.0


def test_softmax_with_temperature_and_confidences() -> None:
    assert softmax([0.0, 0.0]) == [0.5, 0.5]
    assert softmax([2.0, 0.0], temperature=2.0)[0] == pytest.approx(1 / (1 + math.exp(-1)))
    confidences, hits = confidences_and_hits([[2.0, 0.0], [0.0, 3.0]], [1, 1])
    assert hits == [False, True] and confidences[1] == pytest.approx(1 / (1 + math.exp(-3)))
    with pytest.raises(ValueError, match="temperature"):
        softmax([1.0], temperature=0)


def test_fitted_temperature_matches_the_closed_form() -> None:
    # Every sample has margin 2 and 3 of 4 are right: the NLL is lowest where sigmoid(2 / T) = 3/4.
    logits, labels = [[2.0, 0.0]] * 4, [0, 0, 0, 1]
    assert fit_temperature(logits, labels) == pytest.approx(2 / math.log(3), rel=1e-3)


def test_temperature_scaling_softens_an_over_confident_model_and_lowers_nll_and_ece() -> None:
    logits = [[8.0, 0.0, 0.0]] * 6 + [[0.0, 8.0, 0.0]] * 4
    labels = [0, 0, 0, 0, 1, 2, 1, 1, 1, 0]  # 7 of 10 right, each with confidence ~0.9993
    temperature = fit_temperature(logits, labels)
    assert temperature > 1
    assert negative_log_likelihood(logits, labels, temperature) < negative_log_likelihood(logits, labels)
    before = expected_calibration_error(*confidences_and_hits(logits, labels))
    after = expected_calibration_error(*confidences_and_hits(logits, labels, temperature))
    assert after < before / 2


def test_binary_mcc_by_hand() -> None:
    assert binary_mcc(tp=2, fp=1, fn=1, tn=2) == pytest.approx(1 / 3)
    assert binary_mcc(tp=3, fp=0, fn=0, tn=0) == 0.0  # an empty row: undefined, scored 0


def test_threshold_sweep_picks_the_mcc_best_threshold_closest_to_one_half() -> None:
    scores, labels = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2], [1, 1, 0, 1, 0, 0]
    assert mcc_at(scores, labels, 0.5) == pytest.approx(1 / 3)
    choice = best_threshold(scores, labels)
    # 0.35 and 0.75 both reach 6 / sqrt(72); 0.35 is closer to 0.5
    assert choice.threshold == pytest.approx(0.35)
    assert choice.mcc == pytest.approx(6 / math.sqrt(72))
    assert choice.default_mcc == pytest.approx(1 / 3)


def test_threshold_sweep_keeps_one_half_when_nothing_beats_it() -> None:
    choice = best_threshold([0.9, 0.1], [1, 0])
    assert choice.threshold == 0.5 and choice.mcc == pytest.approx(1.0)
