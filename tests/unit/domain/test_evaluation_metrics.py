import math

import pytest

from codemill.domain.dataset import TaskType
from codemill.domain.evaluation_metrics import (
    DEFAULT_METRIC,
    accuracy,
    exact_match,
    macro_f1,
    mcc,
    multilabel_f1,
    smoothed_bleu4,
    token_f1,
)


def test_accuracy_counts_equal_positions_and_rows() -> None:
    assert accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    assert accuracy([(1, 0), (0, 1)], [(1, 0), (1, 1)]) == 0.5
    assert accuracy([], []) == 0.0


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        accuracy([1], [1, 2])


def test_macro_f1_by_hand() -> None:
    truth, predicted = [0, 0, 1, 1, 2], [0, 1, 1, 1, 0]
    # class 0: tp1 fp1 fn1 -> 0.5; class 1: tp2 fp1 fn0 -> 0.8; class 2: tp0 fp0 fn1 -> 0
    assert macro_f1(truth, predicted) == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert macro_f1(truth, predicted, labels=range(4)) == pytest.approx((0.5 + 0.8) / 4)
    assert macro_f1([1, 1], [1, 1]) == 1.0


def test_binary_mcc_is_the_usual_formula() -> None:
    truth = [1, 1, 1, 0, 0, 0, 0, 1]
    predicted = [1, 1, 0, 0, 0, 1, 0, 1]
    tp, tn, fp, fn = 3, 3, 1, 1
    expected = (tp * tn - fp * fn) / math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    assert mcc(truth, predicted) == pytest.approx(expected)


def test_multiclass_mcc_is_gorodkin_rk() -> None:
    truth, predicted = [0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0]
    c, s = 4, 6
    p, t = [2, 3, 1], [2, 2, 2]
    expected = (c * s - sum(a * b for a, b in zip(p, t, strict=True))) / math.sqrt(
        (s * s - sum(a * a for a in p)) * (s * s - sum(b * b for b in t))
    )
    assert mcc(truth, predicted) == pytest.approx(expected)
    assert mcc([0, 1, 2], [0, 1, 2]) == pytest.approx(1.0)
    assert mcc([0, 1, 0, 1], [1, 0, 1, 0]) == pytest.approx(-1.0)


def test_mcc_is_zero_when_one_side_is_constant() -> None:
    assert mcc([0, 1, 0, 1], [1, 1, 1, 1]) == 0.0


def test_multilabel_micro_and_macro_f1() -> None:
    truth = [[1, 0, 1], [0, 1, 0], [1, 1, 0]]
    predicted = [[1, 0, 0], [0, 1, 1], [1, 0, 0]]
    # columns: (tp, fp, fn) = (2,0,0) -> 1; (1,0,1) -> 2/3; (0,1,1) -> 0; pooled (3,1,2) -> 6/9
    micro, macro = multilabel_f1(truth, predicted)
    assert micro == pytest.approx(6 / 9)
    assert macro == pytest.approx((1 + 2 / 3 + 0) / 3)
    with pytest.raises(ValueError, match="same number of columns"):
        multilabel_f1([[1, 0]], [[1]])


def test_bleu_by_the_codexglue_formula() -> None:
    references = ["the cat sat on the mat", "a b c", "Returns the name.", "a b c d"]
    predictions = ["the cat sat on mat", "x y z", "returns THE name .", "a b"]
    # 1: precisions 5/5, (3+1)/(4+1), (2+1)/(3+1), (1+1)/(2+1); lengths c=5, r=6
    first = (1.0 * 0.8 * 0.75 * (2 / 3)) ** 0.25 * math.exp(1 - 7 / 6)
    # 2: no unigram matches, unsmoothed: ~0; 3: punctuation split off, case folded: 1
    # 4: every n-gram precision 1 after smoothing, brevity exp(1 - 5/3)
    fourth = math.exp(1 - 5 / 3)
    expected = 100 * (first + 0.0 + 1.0 + fourth) / 4
    assert smoothed_bleu4(references, predictions) == pytest.approx(expected, rel=1e-9)


def test_bleu_of_an_empty_prediction_is_exp_minus_reference_length() -> None:
    assert smoothed_bleu4(["get user name"], [""]) == pytest.approx(100 * math.exp(-3))
    assert smoothed_bleu4([], []) == 0.0


def test_exact_match_and_token_f1_fold_case_and_whitespace() -> None:
    references = ["get user name", "Parse  Args", "close"]
    predictions = ["get name", "parse args", ""]
    assert exact_match(references, predictions) == pytest.approx(1 / 3)
    # pair 1: common 2, p=1, r=2/3 -> 0.8; pair 2: 1; pair 3: 0
    assert token_f1(references, predictions) == pytest.approx((0.8 + 1 + 0) / 3)
    assert token_f1([""], [""]) == 1.0


def test_every_task_has_a_default_metric() -> None:
    assert {DEFAULT_METRIC[task] for task in TaskType} <= {"macro_f1", "bleu4"}
