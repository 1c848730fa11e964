import pytest

from codemill.domain.errors import InputError
from codemill.domain.student_targets import StudentTargets


def test_each_target_is_met_or_falls_short_on_its_own_figure() -> None:
    report = {"params_ratio": 0.2, "retention": 0.94, "speedup": 3.7, "metric": "macro_f1"}
    verdicts = {v.name: v for v in StudentTargets().verdicts(report)}
    assert verdicts["parameters"].met is True
    assert verdicts["parameters"].line == "0.2 of the teacher's parameters (target at most 0.25)"
    assert verdicts["retention"].met is False
    assert verdicts["retention"].line == "keeps 94.0% of the teacher's macro_f1 (target at least 95%)"
    assert verdicts["speed"].met is True
    assert verdicts["speed"].line == "3.7x faster at batch 1 on CPU (target at least 2x)"


def test_bounds_are_inclusive_and_configurable() -> None:
    targets = StudentTargets(max_params_ratio=0.5, min_retention=0.9, min_speedup=1.5)
    verdicts = targets.verdicts({"params_ratio": 0.5, "retention": 0.9, "speedup": 1.5})
    assert [v.met for v in verdicts] == [True, True, True]


def test_a_figure_that_was_not_measured_is_neither_met_nor_failed() -> None:
    verdicts = StudentTargets().verdicts({"params_ratio": 0.1, "speedup": True})  # a bool is no figure
    assert [v.met for v in verdicts] == [True, None, None]
    assert "an unmeasured share" in verdicts[1].line


def test_bounds_must_be_positive() -> None:
    with pytest.raises(InputError, match="positive"):
        StudentTargets(min_speedup=0)
