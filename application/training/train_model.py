"""TrainModel: train a model on a dataset, keep the best checkpoints, export the best model."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from codemill.application.publishing.hashing import config_hash
from codemill.application.training.model_card import render_model_card
from codemill.application.training.publication import (
    Resume,
    RunPublisher,
    RunResumer,
    exportable,
    label_names,
    run_status,
    task_of,
)
from codemill.domain.evaluation_metrics import DEFAULT_METRIC
from codemill.domain.manifest import Manifest
from codemill.domain.names import check_name
from codemill.domain.ports.dataset_repository import DatasetRepository
from codemill.domain.ports.model_trainer import ModelTrainer, TrainingJob
from codemill.domain.ports.progress import NullProgress, ProgressReporter
from codemill.domain.training import TrainingConfig, TrainingOutcome


@dataclass(frozen=True, kw_only=True)
class TrainRequest:
    dataset: str
    name: str
    config: TrainingConfig = field(default_factory=TrainingConfig)
    resume: Resume = False  # 'auto': resume when a checkpoint of this config exists
    overwrite: bool = False  # replace a published model of this name (recorded as replaced)


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
    - A published model of the same name is never replaced without
      `overwrite` (checked before training; the run record then says which
      manifest it replaced), and two runs of one name cannot publish at once.
    """

    def __init__(
        self,
        *,
        datasets: DatasetRepository,
        trainer: ModelTrainer,
        resumer: RunResumer,
        publisher: RunPublisher,
        workdir: str,
        progress: ProgressReporter | None = None,
        is_main_process: Callable[[], bool] = lambda: True,
    ) -> None:
        self._datasets = datasets
        self._trainer = trainer
        self._resumer = resumer
        self._publisher = publisher
        self._workdir = Path(workdir)
        self._progress = progress or NullProgress()
        self._is_main = is_main_process

    def execute(self, request: TrainRequest) -> TrainResult:
        check_name(request.name, what="run")
        with self._publisher.claimed(
            request.name, overwrite=request.overwrite, main=self._is_main()
        ) as lineage:
            return self._train(request, lineage)

    def _train(self, request: TrainRequest, lineage: dict[str, str]) -> TrainResult:
        manifest = self._datasets.manifest(request.dataset)
        task = task_of(manifest)
        folder = self._datasets.local_copy(request.dataset)
        run_dir = self._workdir / "runs" / request.name
        digest = config_hash(request.dataset, manifest.to_json(), request.config)
        job = TrainingJob(
            dataset_dir=folder,
            task=task,
            label_names=label_names(Path(folder)),
            config=request.config,
            output_dir=str(run_dir),
            config_hash=digest,
            name=request.name,
            resume_from=self._resumer.resume_point(
                request.name, request.resume, run_dir / "checkpoints", digest
            ),
        )
        outcome = self._trainer.train(job, self._progress)
        if not self._is_main():
            return _result(request.name, outcome, None, None)
        model_files = None
        if exportable(outcome):
            metric, _ = request.config.monitored(DEFAULT_METRIC[task.task])
            card = render_model_card(request.name, request.dataset, task, outcome, metric)
            model_files = {
                "README.md": card.encode("utf-8"),
                "metrics.json": json.dumps(outcome.metrics, indent=2).encode("utf-8"),
            }
        model_manifest, run_manifest = self._publisher.publish(
            name=request.name,
            dataset=request.dataset,
            dataset_manifest=manifest,
            job=job,
            outcome=outcome,
            model_files=model_files,
            record=lineage,
        )
        return _result(request.name, outcome, model_manifest, run_manifest)


def _result(name: str, outcome: TrainingOutcome, model: Manifest | None, run: Manifest | None) -> TrainResult:
    return TrainResult(
        name=name,
        metrics=dict(outcome.metrics),
        best_step=outcome.best.step if outcome.best else None,
        status=run_status(outcome),
        model_manifest=model,
        run_manifest=run,
        samples_per_second=outcome.samples_per_second,
    )
