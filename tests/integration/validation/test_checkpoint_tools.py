"""ManageCheckpoints on real run folders, the real checkpoint manager, export and storage (no training)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemill.application.checkpoints.manage_checkpoints import CleanupRequest, ManageCheckpoints, Ranking
from codemill.domain.errors import InputError
from codemill.infrastructure.runs.storage_run_repository import StorageRunRepository
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
from codemill.infrastructure.training.checkpoint_manager import LocalCheckpointManager
from codemill.infrastructure.training.checkpoint_records import write_record
from codemill.presentation.container import export_checkpoint_model

LOSSES = {10: 0.9, 20: 0.4, 30: 0.6, 40: 0.7}  # step 20 is the best by loss


def run_folder(workdir: Path, run: str = "r1") -> Path:
    root = workdir / "runs" / run / "checkpoints"
    for step, loss in LOSSES.items():
        folder = root / f"checkpoint-{step}"
        folder.mkdir(parents=True)
        for name in ("model.safetensors", "config.json", "tokenizer.json", "optimizer.pt"):
            (folder / name).write_bytes(f"{name} at {step}".encode())
        write_record(
            folder, step=step, epoch=step / 10, metrics={"loss": loss, "accuracy": 1 - loss}, config_hash="h"
        )
    return root


@pytest.fixture
def tools(tmp_path: Path) -> tuple[ManageCheckpoints, StorageRunRepository, Path]:
    runs = StorageRunRepository(LocalArtifactStore(tmp_path / "store"))
    manage = ManageCheckpoints(
        checkpoints=LocalCheckpointManager(),
        runs=runs,
        export_folder=export_checkpoint_model,
        workdir=str(tmp_path / "work"),
    )
    return manage, runs, tmp_path / "work"


def test_scan_lists_steps_metrics_sizes_and_integrity(tools) -> None:
    manage, _, work = tools
    root = run_folder(work)
    (root / "checkpoint-30" / "model.safetensors").write_bytes(b"truncated")
    rows = manage.scan("r1")
    assert [row.step for row in rows] == [10, 20, 30, 40]
    assert rows[0].metrics["loss"] == 0.9 and rows[0].size_bytes > 0 and rows[0].intact
    assert not rows[2].intact and "sha256 differs" in rows[2].problems[0]


def test_best_skips_corrupted_checkpoints_and_follows_metric_and_mode(tools) -> None:
    manage, _, work = tools
    root = run_folder(work)
    assert manage.best("r1").step == 20  # no run record: loss, lower is better
    assert manage.best("r1", Ranking(metric="accuracy", mode="max")).step == 20
    assert manage.best("r1", Ranking(metric="loss", mode="max")).step == 10
    (root / "checkpoint-20" / "model.safetensors").unlink()
    assert manage.best("r1").step == 30


def test_cleanup_dry_run_deletes_nothing_and_cleanup_never_deletes_the_best(tools) -> None:
    manage, runs, work = tools
    root = run_folder(work)
    dry = manage.cleanup(CleanupRequest(run="r1", keep_best=1, keep_latest=1, dry_run=True))
    assert dry.deleted == (10, 30) and dry.kept == (20, 40) and dry.best == 20
    assert len(list(root.iterdir())) == 4
    done = manage.cleanup(CleanupRequest(run="r1", keep_best=1, keep_latest=1))
    assert done.deleted == (10, 30)
    assert sorted(p.name for p in root.iterdir()) == ["checkpoint-20", "checkpoint-40"]
    # mirrored to storage: a fresh machine fetches exactly the kept ones
    assert runs.fetch_checkpoints("r1", str(work / "elsewhere")) == 2


def test_checkpoints_come_from_storage_when_the_run_folder_is_absent(tools, tmp_path: Path) -> None:
    manage, runs, _ = tools
    runs.sync_checkpoints("r2", str(run_folder(tmp_path / "other", "r2")))
    assert [row.step for row in manage.scan("r2")] == [10, 20, 30, 40]
    with pytest.raises(InputError, match="run 'r3' has no checkpoints"):
        manage.scan("r3")


def test_export_publishes_the_best_checkpoint_without_trainer_state(tools, tmp_path: Path) -> None:
    manage, runs, work = tools
    run_folder(work)
    result = manage.export("r1", "r1-best")
    assert result.step == 20
    paths = {entry.path for entry in runs.model_manifest("r1-best").entries}
    assert paths == {"config.json", "model.safetensors", "tokenizer.json", "README.md", "metrics.json"}
    fetched = Path(runs.fetch_model("r1-best", str(tmp_path / "cache")))
    assert (fetched / "model.safetensors").read_bytes() == b"model.safetensors at 20"
