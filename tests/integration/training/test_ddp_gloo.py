"""DDP on CPU: two torchrun ranks over gloo train one tiny classifier; only rank 0 writes."""

from __future__ import annotations

import json
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from codemill.infrastructure.training.checkpoint_manager import LocalCheckpointManager
from codemill.infrastructure.training.checkpoint_records import RECORD_NAME, read_record
from tests.support.torchrun import quiet_env, run_bounded, torchrun

RANKS = 2
WORKER = "import sys\n\nfrom tests.support.ddp_training_worker import main\n\nmain(*sys.argv[1:4])\n"
CLI = "from codemill.presentation.cli.main import main\n\nmain()\n"  # the CLI as torchrun runs it
STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.fixture(scope="module")
def ddp_run(classification_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], Path]:
    """Each rank's report, and the run folder the ranks shared (12 steps, a checkpoint every 4)."""
    root = tmp_path_factory.mktemp("ddp")
    script, run, results = root / "train_rank.py", root / "run", root / "results"
    script.write_text(WORKER, encoding="utf-8")
    results.mkdir()
    torchrun(script, str(classification_dir), str(run), str(results), ranks=RANKS, env=quiet_env(), cwd=root)
    reports = [json.loads((results / f"rank-{rank}.json").read_text()) for rank in range(RANKS)]
    return reports, run


def test_every_rank_trains_in_a_gloo_group_of_two(ddp_run: tuple[list[Any], Path]) -> None:
    reports, _ = ddp_run
    assert [report["rank"] for report in reports] == [0, 1]
    for report in reports:
        assert report["initialised"] and report["world_size"] == RANKS
        assert report["backend"] == "gloo"


def test_the_ranks_agree_on_the_best_checkpoint_and_its_scores(ddp_run: tuple[list[Any], Path]) -> None:
    first, second = ddp_run[0]
    assert first["metrics"] and first["metrics"] == second["metrics"]
    assert first["best_step"] == second["best_step"]
    assert first["best_metrics"] == second["best_metrics"]
    assert first["last_train_loss"] == pytest.approx(second["last_train_loss"])
    assert first["metrics"]["loss"] < 2.0  # averaged over the ranks, not summed (3 classes: ln 3 = 1.1)


def test_only_rank_zero_writes_records_prunes_and_exports(ddp_run: tuple[list[Any], Path]) -> None:
    (first, second), run = ddp_run
    assert second["writes"] == []
    records = [write for write in first["writes"] if write.startswith("record")]
    assert records == ["record checkpoint-4", "record checkpoint-8", "record checkpoint-12"]
    assert any(write.startswith("prune") for write in first["writes"])
    assert first["writes"][-1] == f"export checkpoint-{first['best_step']}"
    assert first["best_model_dir"] == second["best_model_dir"] == str(run / "best_model")


def test_each_record_covers_the_files_of_every_rank(ddp_run: tuple[list[Any], Path]) -> None:
    _, run = ddp_run
    folders = sorted((run / "checkpoints").glob("checkpoint-*"))
    assert 1 <= len(folders) <= 2  # best 1 + latest 1
    for folder in folders:
        info = read_record(folder)
        assert info is not None
        on_disk = {path.name for path in folder.iterdir() if path.name != RECORD_NAME}
        assert set(info.files) == on_disk
        assert {"rng_state_0.pth", "rng_state_1.pth"} <= on_disk
        assert LocalCheckpointManager().verify(info) == []


def test_the_train_command_under_torchrun_publishes_one_run(tmp_path: Path) -> None:
    shutil.copytree(STDLIB / "json", tmp_path / "src" / "json", ignore=shutil.ignore_patterns("__pycache__"))
    store = tmp_path / "store"
    env = quiet_env(
        {
            "CODEMILL_STORAGE__ROOT": str(store),
            "CODEMILL_WORK_DIR": str(tmp_path / "work"),
            "CODEMILL_CACHE_DIR": str(tmp_path / "cache"),
        }
    )
    entry = tmp_path / "codemill_entry.py"
    entry.write_text(CLI, encoding="utf-8")

    def codemill(*args: str) -> str:
        return run_bounded([sys.executable, str(entry), *args], env=env, cwd=tmp_path, timeout=120).stdout

    codemill("collect", "src", "--name", "lib", "--workers", "1", "--no-security")
    codemill(
        "dataset", "build", "lib", "--task", "classification", "--label-field", "kind", "--name", "kinds"
    )
    train = ["train", "kinds", "--name", "ddp", "--max-steps", "4", "--eval-every", "2", "--batch-size", "4"]
    torchrun(entry, *train, "--max-input-length", "64", ranks=RANKS, env=env, cwd=tmp_path)

    assert sorted(path.name for path in (store / "runs").iterdir()) == ["ddp"]
    assert sorted(path.name for path in (store / "models").iterdir()) == ["ddp"]
    assert len(list((store / "runs" / "ddp" / "tensorboard").iterdir())) == 1  # one tracker, rank 0's
    assert json.loads((store / "runs" / "ddp" / "run.json").read_text())["status"] == "completed"
    assert [row["name"] for row in json.loads(codemill("runs", "ls", "--json"))["training"]] == ["ddp"]
    codemill("storage", "verify", "runs/ddp")
    codemill("storage", "verify", "models/ddp")


LORA_WORKER = "import sys\n\nfrom tests.support.ddp_lora_worker import main\n\nmain(*sys.argv[1:4])\n"


def test_lora_trains_under_ddp_and_rank_zero_exports_the_checked_merge(
    classification_dir: Path, tmp_path: Path
) -> None:
    """The frozen weights have no gradient: DDP must still reduce the adapters' and agree on them."""
    script, run, results = tmp_path / "lora_rank.py", tmp_path / "run", tmp_path / "results"
    script.write_text(LORA_WORKER, encoding="utf-8")
    results.mkdir()
    torchrun(
        script, str(classification_dir), str(run), str(results), ranks=RANKS, env=quiet_env(), cwd=tmp_path
    )
    first, second = (json.loads((results / f"rank-{rank}.json").read_text()) for rank in range(RANKS))
    assert first["last_step"] == second["last_step"] == 4
    assert first["metrics"] == second["metrics"]  # the ranks hold the same adapters
    assert 0 < first["lora"]["trainable_fraction"] < 1
    assert first["lora"]["merge_max_abs_diff"] <= 1e-4 < first["lora"]["base_max_abs_diff"]
    assert "merge_max_abs_diff" not in second["lora"]  # only rank 0 merges and exports
    assert (run / "best_model" / "model.safetensors").is_file()
    assert (run / "best_model" / "adapter" / "adapter_model.safetensors").is_file()
