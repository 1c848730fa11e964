from pathlib import Path

import pytest

from codemill.application.publishing.name_claims import NameClaims
from codemill.application.training.publication import RunPublisher, RunResumer
from codemill.application.training.train_model import TrainModel, TrainRequest
from codemill.domain.errors import InputError
from codemill.domain.training import CheckpointInfo, TrainingConfig, TrainingOutcome
from tests.fakes.memory_store import InMemoryArtifactStore
from tests.fakes.training_fakes import (
    FolderCheckpoints,
    FolderDatasets,
    ListTracker,
    MemoryRuns,
    ScriptedTrainer,
)

META = {"cls": {"task": "classification", "label_field": "language", "labels": ["go", "python"]}}


def _outcome(tmp_path: Path, **flags) -> TrainingOutcome:
    best = CheckpointInfo(step=10, epoch=1.0, metrics={"eval_macro_f1": 0.9}, location=str(tmp_path / "c10"))
    return TrainingOutcome(
        best=best,
        last=best,
        metrics={"test_macro_f1": 0.88, "test_accuracy": 0.9},
        history=({"step": 5, "loss": 0.7}, {"step": 10, "eval_loss": 0.3}),
        samples_per_second=123.0,
        best_model_dir=str(tmp_path / "best"),
        **flags,
    )


def _use_case(tmp_path: Path, outcome: TrainingOutcome, runs: MemoryRuns | None = None, main: bool = True):
    trainer = ScriptedTrainer(outcome)
    runs = runs or MemoryRuns()
    use_case = TrainModel(
        datasets=FolderDatasets(tmp_path / "datasets", META),
        trainer=trainer,
        resumer=RunResumer(FolderCheckpoints(), runs),
        publisher=RunPublisher(runs, ListTracker, {"torch": "2.13.0"}, NameClaims(InMemoryArtifactStore())),
        workdir=str(tmp_path / "work"),
        is_main_process=lambda: main,
    )
    return use_case, trainer, runs


def test_a_completed_run_exports_the_best_model_and_publishes_the_record(tmp_path: Path) -> None:
    use_case, trainer, runs = _use_case(tmp_path, _outcome(tmp_path))
    result = use_case.execute(TrainRequest(dataset="cls", name="r1", config=TrainingConfig(epochs=1)))
    assert result.status == "completed"
    assert result.best_step == 10
    job = trainer.jobs[0]
    assert job.label_names == ("go", "python")
    assert job.task.task.value == "classification"
    assert runs.synced == ["r1"]
    folder, extra = runs.exported["r1"]
    assert folder == str(tmp_path / "best")
    assert b"test_macro_f1" in extra["metrics.json"]
    assert b"# Model `r1`" in extra["README.md"]
    files, record = runs.published["r1"]
    assert record["status"] == "completed"
    assert record["monitor"] == {"metric": "macro_f1", "mode": "max"}
    assert record["config_hash"] == job.config_hash
    assert record["versions"] == {"torch": "2.13.0"}
    assert "metrics/history.json" in files


@pytest.mark.parametrize(("flag", "status"), [("interrupted", "interrupted"), ("diverged", "diverged")])
def test_interrupted_or_diverged_runs_export_nothing(tmp_path: Path, flag: str, status: str) -> None:
    use_case, _, runs = _use_case(tmp_path, _outcome(tmp_path, **{flag: True}))
    result = use_case.execute(TrainRequest(dataset="cls", name="r1"))
    assert result.status == status
    assert runs.exported == {}
    assert runs.published["r1"][1]["status"] == status
    assert runs.synced == ["r1"]  # the last good checkpoints are kept in storage


def test_a_second_run_of_the_same_name_needs_resume(tmp_path: Path) -> None:
    use_case, _, _ = _use_case(tmp_path, _outcome(tmp_path))
    use_case.execute(TrainRequest(dataset="cls", name="r1"))
    with pytest.raises(InputError, match="--resume"):
        use_case.execute(TrainRequest(dataset="cls", name="r1"))


def test_resume_fetches_from_storage_and_skips_a_corrupted_latest(tmp_path: Path) -> None:
    runs = MemoryRuns(stored_checkpoints=3)
    use_case, trainer, _ = _use_case(tmp_path, _outcome(tmp_path), runs=runs)
    checkpoints = tmp_path / "work" / "runs" / "r1" / "checkpoints"
    checkpoints.mkdir(parents=True)
    original_fetch = runs.fetch_checkpoints

    def fetch_and_corrupt(name: str, folder: str) -> int:
        count = original_fetch(name, folder)
        (Path(folder) / "checkpoint-15" / "BROKEN").write_text("x")
        return count

    runs.fetch_checkpoints = fetch_and_corrupt  # type: ignore[method-assign]
    use_case.execute(TrainRequest(dataset="cls", name="r1", resume=True))
    assert trainer.jobs[0].resume_from == str(checkpoints / "checkpoint-10")


def test_resume_without_any_checkpoint_is_refused(tmp_path: Path) -> None:
    use_case, _, _ = _use_case(tmp_path, _outcome(tmp_path))
    with pytest.raises(InputError, match="no valid checkpoint"):
        use_case.execute(TrainRequest(dataset="cls", name="r1", resume=True))


def test_only_the_main_process_writes(tmp_path: Path) -> None:
    use_case, _, runs = _use_case(tmp_path, _outcome(tmp_path), main=False)
    result = use_case.execute(TrainRequest(dataset="cls", name="r1"))
    assert result.metrics["test_accuracy"] == 0.9
    assert runs.synced == [] and runs.exported == {} and runs.published == {}


def test_bad_names_and_missing_datasets(tmp_path: Path) -> None:
    use_case, _, _ = _use_case(tmp_path, _outcome(tmp_path))
    with pytest.raises(InputError):
        use_case.execute(TrainRequest(dataset="cls", name="../x"))
    with pytest.raises(Exception, match="does not exist"):
        use_case.execute(TrainRequest(dataset="nope", name="r2"))


def test_auto_resume_starts_fresh_resumes_its_own_config_and_drops_another(tmp_path: Path) -> None:
    use_case, trainer, _ = _use_case(tmp_path, _outcome(tmp_path))
    checkpoint = tmp_path / "work" / "runs" / "r1" / "checkpoints" / "checkpoint-10"

    use_case.execute(TrainRequest(dataset="cls", name="r1", resume="auto"))
    use_case.execute(TrainRequest(dataset="cls", name="r1", resume="auto"))
    assert trainer.jobs[0].resume_from is None  # nothing to resume: a fresh start, no error
    assert trainer.jobs[1].resume_from == str(checkpoint)

    changed = TrainingConfig(epochs=7)
    (checkpoint.parent / "checkpoint-12").mkdir()  # half-written: no record of its config
    use_case.execute(TrainRequest(dataset="cls", name="r1", config=changed, resume="auto"))
    assert trainer.jobs[2].resume_from is None  # the checkpoints of the old config were deleted
    assert trainer.jobs[2].config_hash != trainer.jobs[1].config_hash
    assert not (checkpoint.parent / "checkpoint-12").exists()


def test_a_reporting_choice_keeps_the_checkpoints_and_names_the_job(tmp_path: Path) -> None:
    use_case, trainer, _ = _use_case(tmp_path, _outcome(tmp_path))
    checkpoint = tmp_path / "work" / "runs" / "r1" / "checkpoints" / "checkpoint-10"

    use_case.execute(TrainRequest(dataset="cls", name="r1", resume="auto"))
    reported = TrainingConfig(report_to="mlflow")
    use_case.execute(TrainRequest(dataset="cls", name="r1", config=reported, resume="auto"))
    assert trainer.jobs[1].resume_from == str(checkpoint)  # same config hash: the checkpoints still count
    assert trainer.jobs[1].config_hash == trainer.jobs[0].config_hash
    assert (trainer.jobs[1].name, trainer.jobs[1].config.report_to) == ("r1", "mlflow")


def test_files_the_trainer_wrote_in_the_run_folder_are_published_with_the_run(tmp_path: Path) -> None:
    run_dir = tmp_path / "work" / "runs" / "r1"
    run_dir.mkdir(parents=True)
    (run_dir / "distill_log.csv").write_text("step,loss\n1,0.5\n")
    outcome = _outcome(tmp_path, run_files=("distill_log.csv", "gone.csv"))
    use_case, _, runs = _use_case(tmp_path, outcome)
    use_case.execute(TrainRequest(dataset="cls", name="r1"))
    files, _ = runs.published["r1"]
    assert files["distill_log.csv"] == b"step,loss\n1,0.5\n"
    assert "gone.csv" not in files and "metrics/history.json" in files  # a missing one is skipped, logged
