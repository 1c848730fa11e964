"""Check results, the verdict, thresholds and the quality metrics of a split."""

from __future__ import annotations

import pytest

from codemill.domain.errors import InputError
from codemill.domain.quality_metrics import confusion_matrix, quality_metrics
from codemill.domain.validation import (
    CheckResult,
    SplitPredictions,
    failure_lines,
    parse_minimum,
    passed,
    unmet_thresholds,
)


def test_the_verdict_fails_only_on_a_failed_check_and_names_it_in_one_line() -> None:
    checks = [
        CheckResult(name="integrity", status="pass", details="ok"),
        CheckResult(name="load", status="warn", details="slow"),
        CheckResult(name="quality", status="fail", details="accuracy 0.5 < 0.8\nsecond line"),
        CheckResult(name="calibration", status="skip", details="no dataset"),
    ]
    assert not passed(checks)
    assert failure_lines(checks) == ("quality: accuracy 0.5 < 0.8 second line",)
    assert passed(checks[:2] + checks[3:])
    with pytest.raises(ValueError, match="status"):
        CheckResult(name="x", status="bad", details="")  # type: ignore[arg-type]


def test_parse_minimum() -> None:
    assert parse_minimum("accuracy=0.8") == ("accuracy", 0.8)
    assert parse_minimum(" ece = 0.05") == ("ece", 0.05)
    for bad in ("accuracy", "=0.3", "accuracy=high"):
        with pytest.raises(InputError, match="METRIC=VALUE"):
            parse_minimum(bad)


def test_thresholds_are_minimums_except_for_loss_and_ece() -> None:
    metrics = {"accuracy": 0.7, "loss": 0.9, "ece": 0.02}
    assert unmet_thresholds(metrics, {"accuracy": 0.6, "loss": 1.0, "ece": 0.05}) == []
    problems = unmet_thresholds(metrics, {"accuracy": 0.8, "loss": 0.5, "bleu4": 10})
    assert problems[0].startswith("accuracy 0.7 < 0.8")
    assert problems[1].startswith("bleu4 was not measured")
    assert problems[2] == "loss 0.9 > 0.5"


def test_quality_metrics_of_each_kind() -> None:
    single = SplitPredictions(
        kind="single_label", split="test", logits=[[2, 0], [0, 1], [3, 1]], labels=[0, 1, 1]
    )
    metrics = quality_metrics(single)
    assert metrics["accuracy"] == pytest.approx(2 / 3)
    assert set(metrics) == {"accuracy", "macro_f1", "mcc", "loss"}
    assert confusion_matrix([0, 1, 1], [0, 1, 0], 2) == [[1, 0], [1, 1]]
    multi = SplitPredictions(
        kind="multi_label", split="test", logits=[[1, -1], [-1, 1]], label_rows=[[1, 0], [1, 1]]
    )
    assert quality_metrics(multi)["accuracy"] == 0.5
    texts = SplitPredictions(kind="seq2seq", split="test", references=["get user"], predictions=["get user"])
    assert quality_metrics(texts)["exact_match"] == 1.0 and texts.size == 1
