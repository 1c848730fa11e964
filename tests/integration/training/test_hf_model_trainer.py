"""HfModelTrainer with real tiny models trained on CPU."""

from __future__ import annotations

import json
import math
import shutil
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import TrainerCallback

from codemill.domain.errors import InputError
from codemill.domain.ports.progress import NullProgress
from codemill.domain.training import TrainingOutcome
from codemill.infrastructure.training.checkpoint_manager import LocalCheckpointManager
from codemill.infrastructure.training.checkpoint_records import RECORD_NAME, sha256_of
from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer
from tests.integration.training.training_data import (
    CLASSIFICATION,
    GENERATION,
    LANGUAGE_WORDS,
    MULTI_LABEL,
    language_samples,
    training_job,
    write_dataset,
)


class StepHook(TrainerCallback):
    """Runs `action(model)` once, at the end of optimizer step `step`."""

    def __init__(self, step: int, action: Any) -> None:
        self.step, self.action = step, action

    def on_step_end(self, args: Any, state: Any, control: Any, model: Any = None, **_: Any) -> None:
        if state.global_step == self.step:
            self.action(model)


def folders(run: Path) -> set[str]:
    return {path.name for path in (run / "checkpoints").iterdir()}


@pytest.fixture(scope="module")
def classifier(
    classification_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[TrainingOutcome, Path]:
    """One tiny classifier trained for 60 steps, evaluated and saved every 10, keeping best 1 + latest 1."""
    run = tmp_path_factory.mktemp("classifier")
    job = training_job(
        classification_dir,
        CLASSIFICATION,
        run,
        max_steps=60,
        eval_every=10,
        learning_rate=3e-3,
        batch_size=16,
    )
    return HfModelTrainer().train(job, NullProgress()), run


def test_tiny_classifier_learns(classifier: tuple[TrainingOutcome, Path]) -> None:
    outcome, _ = classifier
    majority = max(Counter(s.label for s in language_samples(45, 2)).values()) / 45
    assert outcome.best is not None
    assert outcome.best.metrics["accuracy"] > majority
    assert outcome.metrics["accuracy"] > majority  # the best checkpoint, on the test split
    losses = [entry["loss"] for entry in outcome.history if "loss" in entry]
    assert losses[-1] < losses[0]
    assert not (outcome.interrupted or outcome.diverged or outcome.stopped_early)
    assert outcome.samples_per_second > 0


def test_only_the_best_and_the_latest_checkpoints_remain(classifier: tuple[TrainingOutcome, Path]) -> None:
    outcome, run = classifier
    assert outcome.best is not None and outcome.last is not None
    assert outcome.last.step == 60
    assert folders(run) == {f"checkpoint-{outcome.best.step}", "checkpoint-60"}
    for name in folders(run):
        folder = run / "checkpoints" / name
        record = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
        assert record["config_hash"] == "cafe" and record["schema_version"] == 1
        assert "model.safetensors" in record["files"]
        assert record["files"]["model.safetensors"] == sha256_of(folder / "model.safetensors")
        assert "tokenizer.json" in record["files"]
        assert "accuracy" in record["metrics"]
        assert not list(folder.rglob("*.bin"))


def test_the_best_model_is_exported_alone(classifier: tuple[TrainingOutcome, Path]) -> None:
    from transformers import AutoModelForSequenceClassification

    outcome, run = classifier
    assert outcome.best is not None and outcome.best_model_dir == str(run / "best_model")
    exported = Path(outcome.best_model_dir)
    names = {path.name for path in exported.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"} <= names
    assert not names & {"optimizer.pt", "scheduler.pt", "rng_state.pth", "trainer_state.json", RECORD_NAME}
    assert sha256_of(exported / "model.safetensors") == outcome.best.files["model.safetensors"]
    model = AutoModelForSequenceClassification.from_pretrained(str(exported), local_files_only=True)
    assert model.config.id2label == {0: "go", 1: "java", 2: "python"}


def test_generation_trains_and_scores_with_generate(generation_dir: Path, tmp_path: Path) -> None:
    job = training_job(
        generation_dir,
        GENERATION,
        tmp_path,
        max_steps=16,
        eval_every=8,
        batch_size=16,
        generation_max_length=8,
    )
    outcome = HfModelTrainer().train(job, NullProgress())
    assert outcome.best is not None and set(outcome.best.metrics) >= {"bleu4", "exact_match", "token_f1"}
    assert math.isfinite(outcome.metrics["bleu4"]) and 0 <= outcome.metrics["bleu4"] <= 100
    assert 0 <= outcome.metrics["exact_match"] <= 1


def test_multi_label_trains_with_multi_hot_labels(multi_label_dir: Path, tmp_path: Path) -> None:
    job = training_job(multi_label_dir, MULTI_LABEL, tmp_path, max_steps=12, eval_every=6, learning_rate=3e-3)
    outcome = HfModelTrainer().train(job, NullProgress())
    assert set(outcome.metrics) >= {"loss", "micro_f1", "macro_f1", "accuracy"}
    assert all(0 <= outcome.metrics[key] <= 1 for key in ("micro_f1", "macro_f1", "accuracy"))


class RecordingProgress:
    """A ProgressReporter that remembers every bar and what it was told."""

    def __init__(self) -> None:
        self.bars: list[RecordingProgress.Bar] = []

    class Bar:
        def __init__(self, label: str, total: int | None) -> None:
            self.label, self.total = label, total
            self.advances: list[tuple[int, dict[str, object]]] = []
            self.closed = False

        def advance(self, n: int = 1, **status: object) -> None:
            self.advances.append((n, status))

        def close(self) -> None:
            self.closed = True

    def bar(self, label: str, *, total: int | None = None, unit: str = "it") -> RecordingProgress.Bar:
        self.bars.append(RecordingProgress.Bar(label, total))
        return self.bars[-1]


@pytest.fixture(scope="module")
def short_run(classification_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 steps, checkpoints at 5 and 10 (both kept); the progress bar is checked on the way."""
    run = tmp_path_factory.mktemp("short")
    job = training_job(classification_dir, CLASSIFICATION, run, max_steps=10, eval_every=5, keep_latest=2)
    progress = RecordingProgress()
    HfModelTrainer().train(job, progress)
    assert folders(run) == {"checkpoint-5", "checkpoint-10"}
    (bar,) = progress.bars
    assert (bar.label, bar.total, bar.closed) == ("training", 10, True)
    assert sum(n for n, _ in bar.advances) == 10
    assert "loss" in bar.advances[-1][1] and bar.advances[-1][1]["samples_per_s"] > 0  # type: ignore[operator]
    return run


def test_resume_continues_from_the_latest_checkpoint(
    short_run: Path, classification_dir: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    shutil.copytree(short_run, run)
    latest, skipped = LocalCheckpointManager().latest_valid(str(run / "checkpoints"))
    assert latest is not None and latest.step == 10 and not skipped
    job = training_job(
        classification_dir,
        CLASSIFICATION,
        run,
        resume_from=latest.location,
        max_steps=15,
        eval_every=5,
        keep_latest=2,
    )
    outcome = HfModelTrainer().train(job, NullProgress())
    assert outcome.last is not None and outcome.last.step == 15
    assert outcome.history[-1]["step"] == 15 and "train_runtime" in outcome.history[-1]


def test_a_corrupted_latest_checkpoint_is_skipped(short_run: Path, tmp_path: Path) -> None:
    checkpoints = tmp_path / "checkpoints"
    shutil.copytree(short_run / "checkpoints", checkpoints)
    weights = checkpoints / "checkpoint-10" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    latest, skipped = LocalCheckpointManager().latest_valid(str(checkpoints))
    assert latest is not None and latest.step == 5
    assert len(skipped) == 1 and "checkpoint-10" in skipped[0] and "model.safetensors" in skipped[0]


def test_resume_from_a_corrupted_checkpoint_is_refused(
    short_run: Path, classification_dir: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    shutil.copytree(short_run, run)
    (run / "checkpoints" / "checkpoint-10" / "optimizer.pt").write_bytes(b"tampered")
    resume_from = run / "checkpoints" / "checkpoint-10"
    job = training_job(
        classification_dir, CLASSIFICATION, run, resume_from=resume_from, max_steps=15, eval_every=5
    )
    with pytest.raises(InputError, match=r"optimizer\.pt"):
        HfModelTrainer().train(job, NullProgress())


def poison(model: torch.nn.Module) -> None:
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(float("nan"))


def test_nan_loss_stops_the_run_and_keeps_the_last_good_checkpoint(
    classification_dir: Path, tmp_path: Path
) -> None:
    job = training_job(
        classification_dir, CLASSIFICATION, tmp_path, max_steps=20, eval_every=5, keep_latest=3
    )
    outcome = HfModelTrainer(extra_callbacks=[StepHook(7, poison)]).train(job, NullProgress())
    assert outcome.diverged and not outcome.interrupted
    assert outcome.last is not None and outcome.last.step == 5
    assert folders(tmp_path) == {"checkpoint-5"}
    assert math.isfinite(outcome.metrics["loss"])  # the good checkpoint, evaluated on test


def test_ctrl_c_saves_a_checkpoint_and_returns(classification_dir: Path, tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGINT)
    job = training_job(classification_dir, CLASSIFICATION, tmp_path, max_steps=40, eval_every=20)
    hook = StepHook(7, lambda model: signal.raise_signal(signal.SIGINT))
    outcome = HfModelTrainer(extra_callbacks=[hook]).train(job, NullProgress())
    assert outcome.interrupted and not outcome.diverged
    assert outcome.last is not None and outcome.last.step in {7, 8}
    assert (Path(outcome.last.location) / RECORD_NAME).is_file()
    assert outcome.metrics == {}
    assert signal.getsignal(signal.SIGINT) is before


def test_early_stopping_by_our_metric(classification_dir: Path, tmp_path: Path) -> None:
    job = training_job(
        classification_dir,
        CLASSIFICATION,
        tmp_path,
        max_steps=40,
        eval_every=5,
        early_stopping_patience=2,
        early_stopping_min_delta=10.0,  # accuracy can never improve by 10: stop after 1 + 2 evaluations
        metric="accuracy",
    )
    outcome = HfModelTrainer().train(job, NullProgress())
    assert outcome.stopped_early
    assert outcome.last is not None and outcome.last.step == 15


def test_without_validation_the_latest_checkpoint_is_the_best(tmp_path: Path) -> None:
    splits = {"train": language_samples(60, 1), "test": language_samples(12, 3)}
    dataset = write_dataset(tmp_path / "data", CLASSIFICATION, splits, sorted(LANGUAGE_WORDS))
    job = training_job(dataset, CLASSIFICATION, tmp_path / "run", max_steps=10, eval_every=5, keep_best=2)
    outcome = HfModelTrainer().train(job, NullProgress())
    assert outcome.best is not None and outcome.best == outcome.last and outcome.best.step == 10
    assert folders(tmp_path / "run") == {"checkpoint-10"}
    assert outcome.best.metrics == {} and "accuracy" in outcome.metrics  # scored on test at the end


def test_a_metric_the_task_does_not_measure_is_refused(classification_dir: Path, tmp_path: Path) -> None:
    job = training_job(classification_dir, CLASSIFICATION, tmp_path, max_steps=2, metric="bleu4")
    with pytest.raises(InputError, match="bleu4"):
        HfModelTrainer().train(job, NullProgress())
