"""TrainModel: train a model on a dataset, keep the best checkpoints, export the best model."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from application.hashing import config_hash
from application.model_card import render_model_card
from domain.dataset import TaskSpec, TaskType
from domain.errors import InputError
from domain.evaluation_metrics import DEFAULT_METRIC
from domain.manifest import Manifest
from domain.names import check_name
from domain.ports.checkpoint_manager import CheckpointManager
from domain.ports.dataset_repository import DatasetRepository
from domain.ports.metrics_tracker import MetricsTracker
from domain.ports.model_trainer import ModelTrainer, TrainingJob
from domain.ports.progress import NullProgress, ProgressReporter
from domain.ports.run_repository import RunRepository
from domain.training import CheckpointInfo, TrainingConfig, TrainingOutcome

log = logging.getLogger("codemill.train")


@dataclass(frozen=True, kw_only=True)
class TrainRequest:
    dataset: str
    name: str
    config: TrainingConfig = field(default_factory=TrainingConfig)
    resume: bool | Literal["auto"] = False  # 'auto': resume when a checkpoint of this config exists


@dataclass(frozen=True, kw_only=True)
class TrainResult:
    name: str
    metrics: dict[str, float]
    best_step: int | None
    status: str  # 'completed', 'stopped_early', 'interrupted', 'diverged'
    model_manifest: Manifest | None
    run_manifest: Manifest | None
    samples_per_second: float


class TrainModel:
    """Train a model for a dataset's task and publish the best one.

    - The run's checkpoints live in a local run folder and are mirrored to
      storage under `runs/NAME/checkpoints/` after training, so `--resume`
      works on another machine; only the best N and latest M are kept, and
      the best is never deleted.
    - `resume` continues from the latest checkpoint that verifies; a
      corrupted newer one is skipped with a warning. A new run refuses to
      overwrite a run folder that already holds checkpoints.
    - An interrupted (Ctrl-C) or diverged (NaN loss) run keeps its last good
      checkpoint and exports nothing; the run record says so.
    - At the end the best checkpoint is exported to `models/NAME/` (config,
      safetensors weights, tokenizer, model card, manifest last) and the run
      record, metrics and plots to `runs/NAME/` (manifest last).
    - Under DDP every rank trains; only the main process writes to storage.
    """

    def __init__(
        self,
        *,
        datasets: DatasetRepository,
        trainer: ModelTrainer,
        checkpoints: CheckpointManager,
        runs: RunRepository,
        tracker_factory: Callable[[str], MetricsTracker],
        workdir: str,
        progress: ProgressReporter | None = None,
        is_main_process: Callable[[], bool] = lambda: True,
        versions: Mapping[str, str] | None = None,
    ) -> None:
        self._datasets = datasets
        self._trainer = trainer
        self._checkpoints = checkpoints
        self._runs = runs
        self._tracker_factory = tracker_factory
        self._workdir = Path(workdir)
        self._progress = progress or NullProgress()
        self._is_main = is_main_process
        self._versions = dict(versions or {})

    def execute(self, request: TrainRequest) -> TrainResult:
        check_name(request.name, what="run")
        manifest = self._datasets.manifest(request.dataset)
        task = _task_of(manifest)
        folder = self._datasets.local_copy(request.dataset)
        run_dir = self._workdir / "runs" / request.name
        digest = config_hash(request.dataset, manifest.to_json(), request.config)
        job = TrainingJob(
            dataset_dir=folder,
            task=task,
            label_names=_label_names(Path(folder)),
            config=request.config,
            output_dir=str(run_dir),
            config_hash=digest,
            resume_from=self._resume_point(request, run_dir / "checkpoints", digest),
        )
        outcome = self._trainer.train(job, self._progress)
        if not self._is_main():
            return _result(request.name, outcome, None, None)
        return self._publish(request, job, manifest, outcome)

    def _resume_point(self, request: TrainRequest, checkpoints: Path, digest: str) -> str | None:
        existing = self._checkpoints.scan(str(checkpoints)) if checkpoints.exists() else []
        if request.resume == "auto":
            return self._auto_resume_point(request.name, checkpoints, existing, digest)
        if not request.resume:
            if existing:
                raise InputError(
                    f"run {request.name!r} already has checkpoints in {checkpoints}: "
                    "add --resume to continue it, or choose another --name"
                )
            return None
        if not existing:
            fetched = self._runs.fetch_checkpoints(request.name, str(checkpoints))
            log.info("fetched %d checkpoints of run %s from storage", fetched, request.name)
        latest, skipped = self._checkpoints.latest_valid(str(checkpoints))
        for problem in skipped:
            log.warning("skipping a corrupted checkpoint: %s", problem)
        if latest is None:
            raise InputError(f"run {request.name!r} has no valid checkpoint to resume from")
        log.info("resuming run %s from step %d", request.name, latest.step)
        return latest.location

    def _auto_resume_point(
        self, name: str, checkpoints: Path, existing: list[CheckpointInfo], digest: str
    ) -> str | None:
        """The latest valid checkpoint of this very config; checkpoints of another config are deleted."""
        stale = {c.step for c in existing if c.config_hash != digest}
        if stale:
            log.info("run %s: deleting %d checkpoints of another config", name, len(stale))
            self._checkpoints.prune(str(checkpoints), keep={c.step for c in existing} - stale)
        latest, skipped = (
            self._checkpoints.latest_valid(str(checkpoints)) if checkpoints.exists() else (None, [])
        )
        for problem in skipped:
            log.warning("skipping a corrupted checkpoint: %s", problem)
        if latest is None:
            return None
        log.info("resuming run %s from step %d", name, latest.step)
        return latest.location

    def _publish(
        self, request: TrainRequest, job: TrainingJob, manifest: Manifest, outcome: TrainingOutcome
    ) -> TrainResult:
        checkpoints = str(Path(job.output_dir) / "checkpoints")
        self._runs.sync_checkpoints(request.name, checkpoints)
        metric, mode = request.config.monitored(DEFAULT_METRIC[job.task.task])
        status = _status(outcome)
        model_manifest = None
        if status in {"completed", "stopped_early"} and outcome.best_model_dir is not None:
            card = render_model_card(request.name, request.dataset, job.task, outcome, metric)
            extra = {
                "README.md": card.encode("utf-8"),
                "metrics.json": json.dumps(outcome.metrics, indent=2).encode("utf-8"),
            }
            model_manifest = self._runs.export_model(request.name, outcome.best_model_dir, extra)
        tracker = self._tracker_factory(str(Path(job.output_dir) / "tensorboard"))
        for entry in outcome.history:
            phase = "eval" if any(k.startswith("eval_") for k in entry) else "train"
            tracker.log(int(entry.get("step", 0)), entry, phase=phase)
        record = {
            "name": request.name,
            "dataset": request.dataset,
            "dataset_manifest_sha256": hashlib.sha256(manifest.to_json().encode("utf-8")).hexdigest(),
            "task": dataclasses.asdict(job.task),
            "config": dataclasses.asdict(request.config),
            "config_hash": job.config_hash,
            "versions": self._versions,
            "status": status,
            "monitor": {"metric": metric, "mode": mode},
            "best_checkpoint": _checkpoint_record(outcome.best),
            "metrics": dict(outcome.metrics),
            "samples_per_second": outcome.samples_per_second,
            "model": f"models/{request.name}" if model_manifest is not None else None,
        }
        run_manifest = self._runs.publish_run(request.name, tracker.files(), record)
        return _result(request.name, outcome, model_manifest, run_manifest)


def _task_of(manifest: Manifest) -> TaskSpec:
    meta = manifest.metadata
    try:
        return TaskSpec(
            task=TaskType(meta["task"]),
            subtask=str(meta.get("subtask", "")),
            label_field=str(meta.get("label_field", "")),
        )
    except (KeyError, ValueError) as exc:
        raise InputError(
            f"dataset manifest has no usable task ({exc}); rebuild it with codemill dataset build"
        ) from None


def _label_names(folder: Path) -> tuple[str, ...]:
    path = folder / "label_map.json"
    if not path.exists():
        return ()
    return tuple(str(x) for x in json.loads(path.read_text(encoding="utf-8")).get("labels", []))


def _status(outcome: TrainingOutcome) -> str:
    if outcome.diverged:
        return "diverged"
    if outcome.interrupted:
        return "interrupted"
    return "stopped_early" if outcome.stopped_early else "completed"


def _checkpoint_record(checkpoint: CheckpointInfo | None) -> dict[str, Any] | None:
    if checkpoint is None:
        return None
    return {"step": checkpoint.step, "epoch": checkpoint.epoch, "metrics": dict(checkpoint.metrics)}


def _result(name: str, outcome: TrainingOutcome, model: Manifest | None, run: Manifest | None) -> TrainResult:
    return TrainResult(
        name=name,
        metrics=dict(outcome.metrics),
        best_step=outcome.best.step if outcome.best else None,
        status=_status(outcome),
        model_manifest=model,
        run_manifest=run,
        samples_per_second=outcome.samples_per_second,
    )
