"""`codemill train` and `codemill runs` end to end: collect, build, train a tiny model, export, resume."""

import json
import shutil
import sysconfig
from pathlib import Path

import pytest

from tests.e2e.conftest import RunCli

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.fixture
def dataset(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CODEMILL_WORK_DIR", str(tmp_path / "work"))
    source = tmp_path / "src"
    shutil.copytree(STDLIB / "json", source / "json", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(STDLIB / "email", source / "email", ignore=shutil.ignore_patterns("__pycache__"))
    assert run_cli("collect", str(source), "--name", "lib", "--workers", "1", "--no-security").exit_code == 0
    built = run_cli(
        "dataset",
        "build",
        "lib",
        "--task",
        "classification",
        "--label-field",
        "kind",
        "--name",
        "kinds",
        "--vocab-size",
        "600",
    )
    assert built.exit_code == 0, built.output
    return "kinds"


def _train(run_cli: RunCli, *extra: str):
    return run_cli(
        "train",
        "kinds",
        "--name",
        "r1",
        "--max-steps",
        "6",
        "--eval-every",
        "3",
        "--batch-size",
        "8",
        "--max-input-length",
        "128",
        *extra,
    )


def test_train_exports_a_loadable_model_and_a_run_record(
    run_cli: RunCli, dataset: str, tmp_path: Path, data_root: Path
) -> None:
    result = _train(run_cli, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "completed"
    assert payload["model"] == "models/r1"
    assert 0.0 <= payload["metrics"]["accuracy"] <= 1.0
    assert run_cli("storage", "verify", "models/r1").exit_code == 0
    assert run_cli("storage", "verify", "runs/r1").exit_code == 0

    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(str(data_root / "models" / "r1"))
    tokenizer = AutoTokenizer.from_pretrained(str(data_root / "models" / "r1"))
    logits = model(**tokenizer("def f(x):\n    return x\n", return_tensors="pt")).logits
    assert logits.shape == (1, 3)

    listing = run_cli("runs", "ls", "--json")
    assert [r["name"] for r in json.loads(listing.stdout)["training"]] == ["r1"]
    shown = run_cli("runs", "show", "r1", "--json")
    assert json.loads(shown.stdout)["status"] == "completed"


def test_a_second_run_needs_overwrite_and_resume_continues(run_cli: RunCli, dataset: str) -> None:
    assert _train(run_cli).exit_code == 0
    again = _train(run_cli)
    assert again.exit_code == 1
    assert "model 'r1' already exists" in again.output and "--overwrite" in again.output
    assert "Traceback" not in again.output
    checkpoints_kept = _train(run_cli, "--overwrite")
    assert checkpoints_kept.exit_code == 1 and "--resume" in checkpoints_kept.output
    resumed = _train(run_cli, "--resume", "--overwrite", "--json")
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["model"] == "models/r1"


def test_a_missing_dataset_is_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("train", "nope", "--name", "r")
    assert result.exit_code == 1
    assert "nope" in result.output and "Traceback" not in result.output


def test_a_lora_run_publishes_the_merged_model_its_adapter_and_the_figures(
    run_cli: RunCli, dataset: str, data_root: Path
) -> None:
    result = _train(run_cli, "--model", "micro", "--lora", "r=4,alpha=8", "--json")
    assert result.exit_code == 0, result.output
    assert run_cli("storage", "verify", "models/r1").exit_code == 0
    assert (data_root / "models" / "r1" / "model.safetensors").is_file()
    assert (data_root / "models" / "r1" / "adapter" / "adapter_model.safetensors").is_file()
    record = json.loads(run_cli("runs", "show", "r1", "--json").stdout)
    lora = record["lora"]
    assert 0 < lora["trainable_fraction"] < 1 and lora["merge_max_abs_diff"] <= 1e-4
    assert "LoRA:" in (data_root / "models" / "r1" / "README.md").read_text(encoding="utf-8")


def test_a_malformed_lora_spec_is_one_line(run_cli: RunCli, dataset: str) -> None:
    result = run_cli("train", "kinds", "--name", "r", "--lora", "r=8,rank=2")
    assert result.exit_code == 1
    assert "unknown part 'rank=2'" in result.output and "Traceback" not in result.output
