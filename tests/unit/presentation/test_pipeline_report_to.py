"""[train] report_to in a pipeline config: set once, it reports the teacher and the student."""

from __future__ import annotations

import pytest

from codemill.domain.errors import InputError
from codemill.presentation.pipeline_config import load_config
from codemill.presentation.pipeline_plan import build_plan


def test_set_train_report_to_reaches_both_training_runs() -> None:
    plan = build_plan(load_config(None, ["train.report_to=mlflow"]))
    assert plan.train.config.report_to == "mlflow"
    assert plan.distill is not None and plan.distill.config.report_to == "mlflow"


def test_the_student_can_report_elsewhere() -> None:
    plan = build_plan(load_config(None, ["train.report_to=mlflow", "distill.train.report_to=none"]))
    assert plan.train.config.report_to == "mlflow"
    assert plan.distill is not None and plan.distill.config.report_to == "none"


def test_an_unknown_integration_is_one_line() -> None:
    with pytest.raises(InputError, match=r"^\[train\] report_to: Input should be 'none', 'tensorboard' or "):
        build_plan(load_config(None, ["train.report_to=wandb"]))
