"""ManageCheckpoints: list, rank, prune and export the checkpoints of a training run."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from codemill.domain.checkpoint_policy import best_checkpoint, checkpoints_to_keep
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.manifest import Manifest
from codemill.domain.names import check_name
from codemill.domain.ports.checkpoint_manager import CheckpointManager
from codemill.domain.ports.run_repository import RunRepository
from codemill.domain.training import CheckpointInfo, Mode

log = logging.getLogger("codemill.checkpoints")

DEFAULT_METRIC = "loss"


@dataclass(frozen=True, kw_only=True)
class CheckpointRow:
    """One checkpoint: step, epoch, metrics, size on disk, and its integrity problems (empty: intact)."""

    step: int
    epoch: float
    metrics: dict[str, float]
    size_bytes: int
    problems: tuple[str, ...]
    location: str

    @property
    def intact(self) -> bool:
        return not self.problems


@dataclass(frozen=True, kw_only=True)
class Ranking:
    """The metric checkpoints are ranked by, and its direction."""

    metric: str = ""  # '' -> the metric the run monitored (its record), else 'loss'
    mode: Mode | None = None  # None -> 'min' for loss, 'max' otherwise


@dataclass(frozen=True, kw_only=True)
class CleanupRequest:
    run: str
    keep_best: int = 1
    keep_latest: int = 1
    ranking: Ranking = field(default_factory=Ranking)
    dry_run: bool = False


@dataclass(frozen=True, kw_only=True)
class CleanupResult:
    kept: tuple[int, ...]
    deleted: tuple[int, ...]  # with dry_run: what would be deleted
    best: int | None
    dry_run: bool


@dataclass(frozen=True, kw_only=True)
class ExportResult:
    name: str
    step: int
    metrics: dict[str, float]
    manifest: Manifest


class ManageCheckpoints:
    """Look after a run's checkpoints; shares the keep policy with TrainModel.

    - The run's local folder (`WORK_DIR/runs/RUN/checkpoints`) is used when it
      holds checkpoints; otherwise they are fetched from `runs/RUN/checkpoints`
      in storage into that folder first.
    - `best` and `export` consider intact checkpoints only (records and
      sha256 verified); checkpoints without the metric rank last.
    - `cleanup` keeps the best N and latest M (the best is never deleted,
      even when N is 0), deletes nothing with `dry_run`, and mirrors the
      pruned folder to storage.
    - `export` publishes the best checkpoint's model alone (weights, config,
      tokenizer; no trainer state) to `models/NAME/`, manifest last.
    """

    def __init__(
        self,
        *,
        checkpoints: CheckpointManager,
        runs: RunRepository,
        export_folder: Callable[[str, str], str],
        workdir: str,
    ) -> None:
        self._checkpoints = checkpoints
        self._runs = runs
        self._export_folder = export_folder  # (checkpoint folder, target folder) -> model folder
        self._workdir = Path(workdir)

    def scan(self, run: str) -> list[CheckpointRow]:
        return [self._row(info) for info in self._infos(run)]

    def best(self, run: str, ranking: Ranking = Ranking()) -> CheckpointRow:
        infos = self._infos(run)
        metric, mode = self._ranking(run, ranking)
        intact = [info for info in infos if not self._checkpoints.verify(info)]
        chosen = best_checkpoint(intact, metric, mode)
        if chosen is None:
            raise InputError(f"run {run!r} has no intact checkpoint ({len(infos)} found)")
        return self._row(chosen)

    def cleanup(self, request: CleanupRequest) -> CleanupResult:
        infos = self._infos(request.run)
        metric, mode = self._ranking(request.run, request.ranking)
        keep = checkpoints_to_keep(
            infos, metric, mode, keep_best=request.keep_best, keep_latest=request.keep_latest
        )
        best = best_checkpoint(infos, metric, mode)
        doomed = tuple(info.step for info in infos if info.step not in keep)
        if not request.dry_run and doomed:
            folder = self._folder(request.run)
            deleted = tuple(self._checkpoints.prune(str(folder), keep))
            self._runs.sync_checkpoints(request.run, str(folder))
            log.info("run %s: deleted checkpoints %s", request.run, list(deleted))
            doomed = deleted
        return CleanupResult(
            kept=tuple(sorted(keep)),
            deleted=doomed,
            best=best.step if best is not None else None,
            dry_run=request.dry_run,
        )

    def export(self, run: str, name: str, ranking: Ranking = Ranking()) -> ExportResult:
        check_name(name, what="model")
        row = self.best(run, ranking)
        target = self._workdir / "runs" / run / "exports" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        folder = self._export_folder(row.location, str(target))
        metric, _ = self._ranking(run, ranking)
        extra = {
            "README.md": _card(name, run, row, metric).encode("utf-8"),
            "metrics.json": (json.dumps(row.metrics, indent=2, sort_keys=True) + "\n").encode("utf-8"),
        }
        manifest = self._runs.export_model(name, folder, extra)
        return ExportResult(name=name, step=row.step, metrics=row.metrics, manifest=manifest)

    def _infos(self, run: str) -> list[CheckpointInfo]:
        folder = self._folder(run)
        infos = self._checkpoints.scan(str(folder)) if folder.is_dir() else []
        if not infos:
            fetched = self._runs.fetch_checkpoints(run, str(folder))
            log.info("fetched %d checkpoints of run %s from storage", fetched, run)
            infos = self._checkpoints.scan(str(folder)) if folder.is_dir() else []
        if not infos:
            raise InputError(
                f"run {run!r} has no checkpoints, neither in {folder} "
                f"nor in storage under runs/{run}/checkpoints"
            )
        return infos

    def _folder(self, run: str) -> Path:
        return self._workdir / "runs" / check_name(run, what="run") / "checkpoints"

    def _ranking(self, run: str, ranking: Ranking) -> tuple[str, Mode]:
        metric = ranking.metric or self._monitored(run) or DEFAULT_METRIC
        return metric, ranking.mode or ("min" if metric == "loss" else "max")

    def _monitored(self, run: str) -> str:
        """The metric the run was trained to monitor, from its published record ('' when unknown)."""
        try:
            monitor = self._runs.record(run).get("monitor") or {}
        except ArtifactNotFoundError:
            return ""
        return str(monitor.get("metric", "")) if isinstance(monitor, dict) else ""

    def _row(self, info: CheckpointInfo) -> CheckpointRow:
        folder = Path(info.location)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
        return CheckpointRow(
            step=info.step,
            epoch=info.epoch,
            metrics=dict(info.metrics),
            size_bytes=size,
            problems=tuple(self._checkpoints.verify(info)),
            location=info.location,
        )


def _card(name: str, run: str, row: CheckpointRow, metric: str) -> str:
    value = row.metrics.get(metric)
    score = f"{metric} {value:.4g}" if value is not None else f"no {metric} recorded"
    return (
        f"# {name}\n\nExported from run `{run}`, checkpoint at step {row.step} "
        f"(epoch {row.epoch:g}), the best by validation {score}.\n\n"
        "Weights are safetensors; load with `from_pretrained` on this folder.\n"
    )
