"""TrainingConfig: where a run is reported."""

from __future__ import annotations

import pytest

from codemill.domain.errors import InputError
from codemill.domain.training import REPORT_TO, TrainingConfig


def test_a_run_reports_nowhere_by_default() -> None:
    assert TrainingConfig().report_to == "none"


@pytest.mark.parametrize("choice", REPORT_TO)
def test_every_integration_is_accepted(choice: str) -> None:
    assert TrainingConfig(report_to=choice).report_to == choice  # type: ignore[arg-type]


@pytest.mark.parametrize("choice", ["wandb", "MLflow", "", "all"])
def test_anything_else_is_refused_in_one_line(choice: str) -> None:
    with pytest.raises(InputError) as caught:
        TrainingConfig(report_to=choice)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"invalid training config: report_to must be one of none, tensorboard, mlflow (got {choice!r})"
    )
