"""The calibration check: ECE before and after temperature scaling, reliability diagram, binary threshold."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codemill.domain.calibration import (
    ECE_BINS,
    confidences_and_hits,
    expected_calibration_error,
    fit_temperature,
    negative_log_likelihood,
    reliability_bins,
    softmax,
)
from codemill.domain.errors import InputError
from codemill.domain.ports.model_inspector import LoadedModel
from codemill.domain.ports.plotter import Plotter
from codemill.domain.threshold_sweep import best_threshold, mcc_at
from codemill.domain.validation import CheckResult, SplitPredictions, unmet_thresholds

CALIBRATION_FILE = "calibration.json"
DIAGRAM_FILE = "reliability.png"


@dataclass(frozen=True, kw_only=True)
class CalibrationOutcome:
    """The check, plus what to store: `calibration.json` (temperature, threshold) and the diagram."""

    check: CheckResult
    calibration: Mapping[str, Any] | None = None
    diagram: bytes | None = None

    def calibration_bytes(self) -> bytes | None:
        if self.calibration is None:
            return None
        return (json.dumps(dict(self.calibration), indent=2, sort_keys=True) + "\n").encode("utf-8")


def calibrate(
    model: LoadedModel,
    dataset_folder: str,
    test: SplitPredictions,
    plotter: Plotter,
    minimums: Mapping[str, float],
) -> CalibrationOutcome:
    """Fit T on the validation split by NLL, measure ECE (15 bins) on the test split before and after.

    Binary tasks also get the threshold on the calibrated probability of
    class 1 that maximises MCC on the validation split. The check fails only
    when an `ece` threshold (from `minimums`, an upper bound) is missed; it
    warns when scaling did not lower the test ECE.
    """
    if test.split != "test":
        raise InputError("calibration needs a test split to measure on, besides the validation split")
    validation = model.predict(dataset_folder, "validation")
    temperature = fit_temperature(validation.logits, validation.labels)
    before_conf, before_hits = confidences_and_hits(test.logits, test.labels)
    after_conf, after_hits = confidences_and_hits(test.logits, test.labels, temperature)
    ece_before = expected_calibration_error(before_conf, before_hits)
    ece_after = expected_calibration_error(after_conf, after_hits)
    figures: dict[str, Any] = {
        "temperature": temperature,
        "bins": ECE_BINS,
        "ece_before": ece_before,
        "ece_after": ece_after,
        "nll_before": negative_log_likelihood(test.logits, test.labels),
        "nll_after": negative_log_likelihood(test.logits, test.labels, temperature),
        "fitted_on": f"validation ({validation.size} samples)",
        "measured_on": f"test ({test.size} samples)",
    }
    if len(model.label_names) == 2:
        figures.update(_threshold_figures(validation, test, temperature))
    diagram = plotter.reliability_diagram(
        {
            "before": reliability_bins(before_conf, before_hits),
            f"after (T={temperature:.2f})": reliability_bins(after_conf, after_hits),
        },
        title="Reliability on the test split",
    )
    calibration = {
        "temperature": temperature,
        "threshold": figures.get("threshold"),
        "labels": list(model.label_names),
        "ece_before": ece_before,
        "ece_after": ece_after,
        "bins": ECE_BINS,
    }
    return CalibrationOutcome(check=_verdict(figures, minimums), calibration=calibration, diagram=diagram)


def _threshold_figures(
    validation: SplitPredictions, test: SplitPredictions, temperature: float
) -> dict[str, Any]:
    scores = [softmax(row, temperature)[1] for row in validation.logits]
    choice = best_threshold(scores, validation.labels)
    test_scores = [softmax(row, temperature)[1] for row in test.logits]
    return {
        "threshold": choice.threshold,
        "threshold_mcc_validation": choice.mcc,
        "default_mcc_validation": choice.default_mcc,
        "threshold_mcc_test": mcc_at(test_scores, test.labels, choice.threshold),
        "default_mcc_test": mcc_at(test_scores, test.labels, 0.5),
    }


def _verdict(figures: dict[str, Any], minimums: Mapping[str, float]) -> CheckResult:
    before, after, temperature = figures["ece_before"], figures["ece_after"], figures["temperature"]
    details = f"ECE {before:.4f} -> {after:.4f} on test with T={temperature:.3f} fitted on validation"
    if "threshold" in figures:
        details += f"; MCC-best threshold {figures['threshold']:.3f}"
    problems = unmet_thresholds({"ece": after}, {k: v for k, v in minimums.items() if k == "ece"})
    if problems:
        return CheckResult(name="calibration", status="fail", details="; ".join(problems), figures=figures)
    if after > before:
        details += " (temperature scaling did not lower the test ECE)"
        return CheckResult(name="calibration", status="warn", details=details, figures=figures)
    return CheckResult(name="calibration", status="pass", details=details, figures=figures)
