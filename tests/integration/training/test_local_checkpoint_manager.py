"""LocalCheckpointManager on hand-made checkpoint folders (no training needed)."""

from __future__ import annotations

from pathlib import Path

from codemill.infrastructure.training.checkpoint_manager import LocalCheckpointManager
from codemill.infrastructure.training.checkpoint_records import RECORD_NAME, read_record, write_record

TRAINER_STATE = ("optimizer.pt", "scheduler.pt", "rng_state.pth", "trainer_state.json")


def checkpoint(root: Path, step: int, *, loss: float = 1.0, extra: tuple[str, ...] = ()) -> Path:
    folder = root / f"checkpoint-{step}"
    folder.mkdir(parents=True)
    for name in ("model.safetensors", "config.json", *TRAINER_STATE, *extra):
        (folder / name).write_bytes(f"{name} at {step}".encode())
    write_record(folder, step=step, epoch=step / 10, metrics={"loss": loss}, config_hash="h")
    return folder


def test_scan_reads_records_by_step_and_ignores_other_folders(tmp_path: Path) -> None:
    for step in (20, 5, 10):
        checkpoint(tmp_path, step, loss=step / 100)
    (tmp_path / "checkpoint-30").mkdir()  # no record yet
    (tmp_path / "runs").mkdir()
    infos = LocalCheckpointManager().scan(str(tmp_path))
    assert [info.step for info in infos] == [5, 10, 20]
    assert infos[0].metrics == {"loss": 0.05} and infos[0].config_hash == "h"
    assert RECORD_NAME not in infos[0].files and "optimizer.pt" in infos[0].files


def test_an_intact_checkpoint_verifies_even_with_the_trainer_resume_state(tmp_path: Path) -> None:
    info = read_record(checkpoint(tmp_path, 5))
    assert info is not None
    assert LocalCheckpointManager().verify(info) == []


def test_verify_names_missing_changed_and_pickled_files(tmp_path: Path) -> None:
    folder = checkpoint(tmp_path, 5, extra=("pytorch_model.bin",))
    info = read_record(folder)
    assert info is not None
    (folder / "config.json").unlink()
    (folder / "model.safetensors").write_bytes(b"truncated")
    (folder / "weights.pt").write_bytes(b"a pickle")
    problems = "\n".join(LocalCheckpointManager().verify(info))
    assert "checkpoint-5/config.json: missing" in problems
    assert "checkpoint-5/model.safetensors: sha256 differs" in problems
    assert "checkpoint-5/pytorch_model.bin: pickle-based weights are refused" in problems
    assert "checkpoint-5/weights.pt: pickle-based weights are refused" in problems
    assert "optimizer.pt" not in problems


def test_latest_valid_skips_corrupted_and_unrecorded_newer_checkpoints(tmp_path: Path) -> None:
    checkpoint(tmp_path, 5)
    (checkpoint(tmp_path, 10) / "model.safetensors").write_bytes(b"")
    (tmp_path / "checkpoint-15").mkdir()
    latest, skipped = LocalCheckpointManager().latest_valid(str(tmp_path))
    assert latest is not None and latest.step == 5
    assert skipped[0] == "checkpoint-15: no readable codemill_checkpoint.json"
    assert skipped[1].startswith("checkpoint-10 (step 10): checkpoint-10/model.safetensors")
    assert LocalCheckpointManager().latest_valid(str(tmp_path / "absent")) == (None, [])


def test_prune_deletes_every_step_not_kept(tmp_path: Path) -> None:
    for step in (5, 10, 15):
        checkpoint(tmp_path, step)
    assert LocalCheckpointManager().prune(str(tmp_path), {5, 15}) == [10]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["checkpoint-15", "checkpoint-5"]
