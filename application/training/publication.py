"""What TrainModel and DistillModel share: the task of a dataset, resuming a run, publishing its outputs."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from codemill.application.publishing.name_claims import NameClaims
from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.errors import InputError
from codemill.domain.evaluation_metrics import DEFAULT_METRIC
from codemill.domain.manifest import Manifest
from codemill.domain.ports.checkpoint_manager import CheckpointManager
from codemill.domain.ports.metrics_tracker import MetricsTracker
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.ports.run_repository import RunRepository
from codemill.domain.training import CheckpointInfo, TrainingOutcome

log = logging.getLogger("codemill.train")
FINISHED = frozenset({"completed", "stopped_early"})
Resume = bool | Literal["auto"]


def task_of(manifest: Manifest) -> TaskSpec:
    """The task a dataset was built for, from its manifest."""
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


def label_names(folder: Path) -> tuple[str, ...]:
    path = folder / "label_map.json"
    if not path.exists():
        return ()
    return tuple(str(x) for x in json.loads(path.read_text(encoding="utf-8")).get("labels", []))


def run_status(outcome: TrainingOutcome) -> str:
    if outcome.diverged:
        return "diverged"
    if outcome.interrupted:
        return "interrupted"
    return "stopped_early" if outcome.stopped_early else "completed"


def exportable(outcome: TrainingOutcome) -> bool:
    """A model is exported only from a finished run with a best model."""
    return run_status(outcome) in FINISHED and outcome.best_model_dir is not None


class RunResumer:
    """Where a run continues from: its latest valid checkpoint, fetched from storage when not local."""

    def __init__(self, checkpoints: CheckpointManager, runs: RunRepository) -> None:
        self._checkpoints = checkpoints
        self._runs = runs

    def resume_point(self, name: str, resume: Resume, checkpoints: Path, digest: str) -> str | None:
        existing = self._checkpoints.scan(str(checkpoints)) if checkpoints.exists() else []
        if resume == "auto":
            return self._auto_resume_point(name, checkpoints, existing, digest)
        if not resume:
            if existing:
                raise InputError(
                    f"run {name!r} already has checkpoints in {checkpoints}: "
                    "add --resume to continue it, or choose another --name"
                )
            return None
        if not existing:
            fetched = self._runs.fetch_checkpoints(name, str(checkpoints))
            log.info("fetched %d checkpoints of run %s from storage", fetched, name)
        latest, skipped = self._checkpoints.latest_valid(str(checkpoints))
        for problem in skipped:
            log.warning("skipping a corrupted checkpoint: %s", problem)
        if latest is None:
            raise InputError(f"run {name!r} has no valid checkpoint to resume from")
        log.info("resuming run %s from step %d", name, latest.step)
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


class RunPublisher:
    """Mirrors a run's checkpoints, exports its best model and publishes its record (manifests last)."""

    def __init__(
        self,
        runs: RunRepository,
        tracker_factory: Callable[[str], MetricsTracker],
        versions: Mapping[str, str],
        claims: NameClaims,
    ) -> None:
        self._runs = runs
        self._tracker_factory = tracker_factory
        self._versions = dict(versions)
        self._claims = claims

    @contextmanager
    def claimed(self, name: str, *, overwrite: bool, main: bool = True) -> Iterator[dict[str, str]]:
        """Holds the model name `name` while a run trains and publishes; yields what to add to its record.

        A published model of that name is refused without `overwrite` (one line, before any training);
        a second run of the same name at once is refused. Only the main process of a DDP run claims.
        """
        if not main:
            yield {}
            return
        with self._claims.held(f"models/{name}", what=f"model '{name}'", overwrite=overwrite) as claim:
            yield claim.lineage()

    def publish(
        self,
        *,
        name: str,
        dataset: str,
        dataset_manifest: Manifest,
        job: TrainingJob,
        outcome: TrainingOutcome,
        model_files: Mapping[str, bytes] | None,
        record: Mapping[str, Any] | None = None,
    ) -> tuple[Manifest | None, Manifest]:
        """`model_files` (model card, metrics, ...) join the best model when it is exported; None exports
        nothing. `record` adds to the run record; the trainer's `outcome.run_files` (read from the run's
        folder) join the metrics files. Returns the model's and the run's manifests."""
        self._runs.sync_checkpoints(name, str(Path(job.output_dir) / "checkpoints"))
        model_manifest = None
        if model_files is not None and outcome.best_model_dir is not None:
            model_manifest = self._runs.export_model(name, outcome.best_model_dir, model_files)
        tracker = self._tracker_factory(str(Path(job.output_dir) / "tensorboard"))
        for entry in outcome.history:
            phase = "eval" if any(k.startswith("eval_") for k in entry) else "train"
            tracker.log(int(entry.get("step", 0)), entry, phase=phase)
        metric, mode = job.config.monitored(DEFAULT_METRIC[job.task.task])
        payload = {
            "name": name,
            "dataset": dataset,
            "dataset_manifest_sha256": manifest_sha256(dataset_manifest),
            "task": dataclasses.asdict(job.task),
            "config": dataclasses.asdict(job.config),
            "config_hash": job.config_hash,
            "versions": self._versions,
            "status": run_status(outcome),
            "monitor": {"metric": metric, "mode": mode},
            "best_checkpoint": _checkpoint_record(outcome.best),
            "metrics": dict(outcome.metrics),
            "samples_per_second": outcome.samples_per_second,
            "model": f"models/{name}" if model_manifest is not None else None,
            "lora": dict(outcome.lora) or None,
            "model_revision": outcome.model_revision,
            **dict(record or {}),
        }
        files = {**tracker.files(), **_run_files(Path(job.output_dir), outcome.run_files)}
        return model_manifest, self._runs.publish_run(name, files, payload)


def manifest_sha256(manifest: Manifest) -> str:
    return manifest.digest()


def _run_files(run_dir: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    """The files the trainer wrote in the run's folder for the run record (a missing one is skipped)."""
    files = {}
    for name in names:
        path = run_dir / name
        if path.is_file():
            files[name] = path.read_bytes()
        else:
            log.warning("run file %s is missing: not published", path)
    return files


def _checkpoint_record(checkpoint: CheckpointInfo | None) -> dict[str, Any] | None:
    if checkpoint is None:
        return None
    return {"step": checkpoint.step, "epoch": checkpoint.epoch, "metrics": dict(checkpoint.metrics)}
