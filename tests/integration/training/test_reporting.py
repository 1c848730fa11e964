"""report_to: a real micro model reports to a real MLflow store and to real TensorBoard event files."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.domain.ports.progress import NullProgress
from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer
from tests.integration.training.training_data import CLASSIFICATION, training_job

pytestmark = pytest.mark.slow

BUDGET = {"model": "micro", "max_steps": 4, "eval_every": 2, "batch_size": 8, "logging_steps": 1}


def test_mlflow_gets_one_finished_run_named_after_the_run(
    classification_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlflow import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"  # mlflow 3 refuses its file store unless told otherwise
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", "codemill-tests")
    job = training_job(classification_dir, CLASSIFICATION, tmp_path / "run", report_to="mlflow", **BUDGET)
    job = dataclasses.replace(job, name="kinds-mlflow")

    outcome = HfModelTrainer().train(job, NullProgress())

    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("codemill-tests")
    assert experiment is not None
    runs = client.search_runs([experiment.experiment_id])
    assert [run.info.run_name for run in runs] == ["kinds-mlflow"]  # the final evaluation opened no other
    run = runs[0]
    assert run.info.status == "FINISHED"
    assert {"loss", "eval_loss", "eval_accuracy", "test_accuracy"} <= set(run.data.metrics)
    assert run.data.metrics["test_accuracy"] == pytest.approx(outcome.metrics["accuracy"])
    losses = client.get_metric_history(run.info.run_id, "loss")
    assert [m.step for m in losses] == [1, 2, 3, 4]
    assert run.data.params["max_steps"] == "4"


def test_tensorboard_events_land_in_the_runs_tensorboard_live_folder(
    classification_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    monkeypatch.delenv("TENSORBOARD_LOGGING_DIR", raising=False)
    run_dir = tmp_path / "run"
    job = training_job(classification_dir, CLASSIFICATION, run_dir, report_to="tensorboard", **BUDGET)

    HfModelTrainer().train(job, NullProgress())

    live = run_dir / "tensorboard" / "live"
    files = sorted(live.glob("events.out.tfevents.*"))
    assert files, f"no event file in {live}"
    assert not (run_dir / "checkpoints" / "runs").exists()  # not transformers' default folder
    scalars: dict[str, list[int]] = {}
    for file in files:
        events = EventAccumulator(str(file))
        events.Reload()
        for tag in events.Tags()["scalars"]:
            scalars.setdefault(tag, []).extend(e.step for e in events.Scalars(tag))
    assert sorted(scalars["train/loss"]) == [1, 2, 3, 4]
    assert sorted(scalars["eval/loss"]) == [2, 4]
    assert "test/accuracy" in scalars  # the final evaluation too, its writer closed


def test_a_missing_package_is_one_line_before_any_work(
    classification_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)  # what Python sees when mlflow is not installed
    job = training_job(classification_dir, CLASSIFICATION, tmp_path / "run", report_to="mlflow", **BUDGET)

    with pytest.raises(InputError) as caught:
        HfModelTrainer().train(job, NullProgress())

    message = str(caught.value)
    assert message == (
        "--report-to mlflow needs the mlflow (or mlflow-skinny) package: pip install 'codemill[track]'"
    )
    assert not (tmp_path / "run").exists()
