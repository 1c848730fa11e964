"""Hand-written fakes of the training step's ports."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, final

from codemill.domain.errors import ArtifactNotFoundError
from codemill.domain.manifest import Manifest
from codemill.domain.ports.checkpoint_manager import CheckpointManager
from codemill.domain.ports.metrics_tracker import MetricsTracker
from codemill.domain.ports.model_trainer import ModelTrainer, TrainingJob
from codemill.domain.ports.progress import ProgressReporter
from codemill.domain.ports.run_repository import RunRepository
from codemill.domain.training import CheckpointInfo, Mode, TrainingOutcome
from tests.fakes.unsupported import UnsupportedDatasets


@final
class FolderDatasets(UnsupportedDatasets):
    """Datasets whose local copy is a folder the test prepared."""

    def __init__(self, root: Path, metadata: Mapping[str, Mapping[str, Any]]) -> None:
        self.root, self.metadata = root, dict(metadata)

    def manifest(self, name: str) -> Manifest:
        if name not in self.metadata:
            raise ArtifactNotFoundError(f"dataset {name!r} does not exist or was never completed")
        return Manifest(kind="dataset", entries=(), created_at="then", metadata=dict(self.metadata[name]))

    def local_copy(self, name: str) -> str:
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        labels = self.metadata[name].get("labels", [])
        (folder / "label_map.json").write_text(json.dumps({"labels": labels}))
        return str(folder)


class ScriptedTrainer(ModelTrainer):
    """Returns a prepared outcome; writes a checkpoint folder like the real trainer would."""

    def __init__(self, outcome: TrainingOutcome) -> None:
        self.outcome = outcome
        self.jobs: list[TrainingJob] = []

    def train(self, job: TrainingJob, progress: ProgressReporter) -> TrainingOutcome:
        self.jobs.append(job)
        folder = Path(job.output_dir) / "checkpoints" / "checkpoint-10"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "CONFIG_HASH").write_text(job.config_hash)
        return self.outcome


@final
class FolderCheckpoints(CheckpointManager):
    """Checkpoints are folders named checkpoint-STEP; a file named BROKEN marks a corrupted one,
    a file CONFIG_HASH holds the config hash."""

    def scan(self, folder: str) -> list[CheckpointInfo]:
        root = Path(folder)
        found = [p for p in root.glob("checkpoint-*") if p.is_dir()] if root.exists() else []
        return sorted(
            (
                CheckpointInfo(
                    step=int(p.name.split("-")[1]),
                    epoch=0,
                    metrics={},
                    location=str(p),
                    config_hash=(p / "CONFIG_HASH").read_text() if (p / "CONFIG_HASH").exists() else "",
                )
                for p in found
            ),
            key=lambda c: c.step,
        )

    def verify(self, checkpoint: CheckpointInfo) -> list[str]:
        return ["BROKEN"] if (Path(checkpoint.location) / "BROKEN").exists() else []

    def latest_valid(self, folder: str) -> tuple[CheckpointInfo | None, list[str]]:
        skipped: list[str] = []
        for checkpoint in reversed(self.scan(folder)):
            if not self.verify(checkpoint):
                return checkpoint, skipped
            skipped.append(checkpoint.location)
        return None, skipped

    def prune(self, folder: str, keep: set[int]) -> list[int]:
        doomed = [c for c in self.scan(folder) if c.step not in keep]
        for checkpoint in doomed:
            shutil.rmtree(checkpoint.location)
        return [c.step for c in doomed]


class MemoryRuns(RunRepository):
    def __init__(self, stored_checkpoints: int = 0) -> None:
        self.synced: list[str] = []
        self.exported: dict[str, tuple[str, dict[str, bytes]]] = {}
        self.published: dict[str, tuple[dict[str, bytes], dict[str, Any]]] = {}
        self.stored_checkpoints = stored_checkpoints

    def sync_checkpoints(self, name: str, local_folder: str) -> None:
        self.synced.append(name)

    def fetch_checkpoints(self, name: str, local_folder: str) -> int:
        for step in range(1, self.stored_checkpoints + 1):
            (Path(local_folder) / f"checkpoint-{step * 5}").mkdir(parents=True, exist_ok=True)
        return self.stored_checkpoints

    def publish_run(self, name: str, files: Mapping[str, bytes], record: Mapping[str, Any]) -> Manifest:
        self.published[name] = (dict(files), dict(record))
        return Manifest(kind="run", entries=(), created_at="now")

    def export_model(self, name: str, model_folder: str, extra_files: Mapping[str, bytes]) -> Manifest:
        self.exported[name] = (model_folder, dict(extra_files))
        return Manifest(kind="model", entries=(), created_at="now")

    def model_manifest(self, name: str) -> Manifest:
        if name not in self.exported:
            raise ArtifactNotFoundError(f"model '{name}' does not exist or was never completed")
        return Manifest(kind="model", entries=(), created_at="now", metadata={"name": name})

    def fetch_model(self, name: str, local_root: str) -> str:
        self.model_manifest(name)
        return self.exported[name][0]

    def model_names(self) -> list[str]:
        return sorted(self.exported)

    def names(self) -> list[str]:
        raise NotImplementedError("MemoryRuns does not list runs")

    def record(self, name: str) -> dict[str, Any]:
        raise NotImplementedError("MemoryRuns does not read run records")


@final
class ListTracker(MetricsTracker):
    def __init__(self, tensorboard_dir: str) -> None:
        self.entries: list[tuple[int, str]] = []

    def log(self, step: int, values: Mapping[str, float], *, phase: str) -> None:
        self.entries.append((step, phase))

    def best(self, metric: str, mode: Mode | None = None) -> tuple[int, float] | None:
        return None

    def files(self) -> dict[str, bytes]:
        return {"metrics/history.json": json.dumps(self.entries).encode()}


# The distillation fakes subclass these two, so they cannot be @final like the other fakes;
# mypy refuses an abstract class here, so each must still implement every member of its port.
_SCRIPTED_TRAINER_IS_COMPLETE: type[ModelTrainer] = ScriptedTrainer
_MEMORY_RUNS_ARE_COMPLETE: type[RunRepository] = MemoryRuns
