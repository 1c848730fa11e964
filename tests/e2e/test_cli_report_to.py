"""--report-to on the command line: listed in --help, checked before any work."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import RunCli

MISSING = "--report-to mlflow needs the mlflow (or mlflow-skinny) package: pip install 'codemill[track]'"


@pytest.mark.parametrize("command", ["train", "distill"])
def test_help_lists_the_choices_and_the_mlflow_variables(run_cli: RunCli, command: str) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--report-to [none|tensorboard|mlflow]" in text
    assert "MLFLOW_TRACKING_URI" in text and "MLFLOW_EXPERIMENT_NAME" in text


def test_an_unknown_integration_is_bad_usage(run_cli: RunCli) -> None:
    result = run_cli("train", "kinds", "--name", "r1", "--report-to", "wandb")
    assert result.exit_code == 2
    assert "'wandb' is not one of 'none', 'tensorboard', 'mlflow'" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["train", "no-such-dataset", "--name", "r1", "--report-to", "mlflow"],
        ["distill", "--teacher", "nobody", "--dataset", "none", "--name", "s1", "--report-to", "mlflow"],
        ["pipeline", "--set", "train.report_to=mlflow"],
    ],
)
def test_a_missing_package_stops_the_command_before_any_work(
    run_cli: RunCli, data_root: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)  # what Python sees when mlflow is not installed
    result = run_cli(*args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == f"Error: {MISSING}"
    assert not data_root.exists() or not any(data_root.rglob("*"))  # nothing written, no step run
