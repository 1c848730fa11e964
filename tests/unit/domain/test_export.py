from __future__ import annotations

import pytest

from codemill.domain.export import parity_failure, parity_figures


def test_identical_logits_pass_at_fp32() -> None:
    figures = parity_figures([[1.0, -2.0], [0.5, 0.2]], [[1.0, -2.0], [0.5, 0.2]], None)
    assert figures.max_abs_diff == 0.0
    assert figures.label_agreement == 1.0
    assert figures.metric == "label_agreement"
    assert parity_failure(figures, "none", tolerance=1e-4, min_retention=0.99) is None


def test_fp32_tolerance_scales_with_the_largest_logit() -> None:
    figures = parity_figures([[20.0, -20.0]], [[20.0015, -20.0]], None)
    assert figures.logit_scale == 20.0
    assert parity_failure(figures, "none", tolerance=1e-4, min_retention=0.99) is None
    problem = parity_failure(figures, "none", tolerance=1e-5, min_retention=0.99)
    assert problem is not None and "max|diff| 0.0015" in problem


def test_a_flipped_label_fails_fp32_even_within_tolerance() -> None:
    figures = parity_figures([[0.10001, 0.1]], [[0.1, 0.10001]], None)
    assert figures.label_agreement == 0.0
    assert parity_failure(figures, "none", tolerance=1e-4, min_retention=0.99) is not None


def test_int8_keeps_accuracy_on_labelled_samples() -> None:
    source = [[2.0, 0.0], [0.0, 2.0], [2.0, 0.0], [0.0, 2.0]]
    exported = [[2.0, 0.0], [0.0, 2.0], [0.0, 2.0], [0.0, 2.0]]  # third flips from wrong to right
    figures = parity_figures(source, exported, [0, 1, 1, 1])
    assert (figures.metric, figures.source_metric, figures.exported_metric) == ("accuracy", 0.75, 1.0)
    assert figures.retention == pytest.approx(4 / 3)
    assert figures.macro_f1_exported == 1.0
    assert parity_failure(figures, "int8", tolerance=0.0, min_retention=0.99) is None


def test_int8_retention_below_the_minimum_is_refused() -> None:
    figures = parity_figures([[2.0, 0.0]] * 4, [[2.0, 0.0]] * 3 + [[0.0, 2.0]], None)
    assert figures.retention == 0.75
    problem = parity_failure(figures, "int8", tolerance=1e-4, min_retention=0.99)
    assert problem == "label_agreement retention 0.7500 < 0.99 (source 1.0000, int8 0.7500, 4 samples)"


def test_rows_must_match() -> None:
    with pytest.raises(ValueError, match="cannot compare"):
        parity_figures([[1.0]], [], None)
