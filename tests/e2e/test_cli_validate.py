"""`codemill validate` and `codemill checkpoints` end to end on a tiny model trained through the CLI."""

from __future__ import annotations

import json
import shutil
import sysconfig
from pathlib import Path

import pytest

from tests.e2e.conftest import RunCli

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.fixture
def trained(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run r1: a tiny classifier of code kinds (json + email of the standard library), 3 checkpoints kept."""
    monkeypatch.setenv("CODEMILL_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("CODEMILL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    source = tmp_path / "src"
    shutil.copytree(STDLIB / "json", source / "json", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(STDLIB / "email", source / "email", ignore=shutil.ignore_patterns("__pycache__"))
    assert run_cli("collect", str(source), "--name", "lib", "--workers", "1", "--no-security").exit_code == 0
    built = run_cli(
        "dataset", "build", "lib", "--task", "classification", "--label-field", "kind", "--name", "kinds",
        "--vocab-size", "600",
    )  # fmt: skip
    assert built.exit_code == 0, built.output
    result = run_cli(
        "train", "kinds", "--name", "r1", "--max-steps", "9", "--eval-every", "3", "--batch-size", "8",
        "--max-input-length", "128", "--keep-best", "2", "--keep-latest", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return "r1"


def test_validate_reports_and_exit_codes_then_checkpoint_tools(
    run_cli: RunCli, trained: str, data_root: Path, tmp_path: Path
) -> None:
    quick = run_cli("validate", "r1", "--quick")
    assert quick.exit_code == 0, quick.output
    assert "integrity" in quick.stdout and "passed" in quick.stdout

    full = run_cli("validate", "r1", "--dataset", "kinds", "--json")
    assert full.exit_code == 0, full.output
    payload = json.loads(full.stdout)
    assert [c["name"] for c in payload["checks"]] == [
        "integrity", "load", "inference", "performance", "quality", "calibration",
    ]  # fmt: skip
    assert payload["passed"] and payload["calibration"] == "models/r1/calibration.json"
    for name in ("validation.json", "validation.md", "reliability.png", "calibration.json"):
        assert (data_root / "validations" / "r1" / name).is_file()
    assert run_cli("storage", "verify", "validations/r1").exit_code == 0
    assert run_cli("storage", "verify", "models/r1").exit_code == 0  # republished with calibration.json

    strict = run_cli(
        "validate", "r1", "--dataset", "kinds", "--min", "accuracy=1.01", "--report", str(tmp_path / "rep")
    )
    assert strict.exit_code == 1
    assert "failed: quality: accuracy" in strict.stderr and "Traceback" not in strict.output
    assert (tmp_path / "rep" / "validation.md").is_file()
    assert run_cli("validate", "r1", "--min", "accuracy").exit_code == 2

    scanned = json.loads(run_cli("checkpoints", "scan", "r1", "--json").stdout)
    assert [row["step"] for row in scanned] == [3, 6, 9] and all(row["intact"] for row in scanned)
    best = json.loads(run_cli("checkpoints", "best", "r1", "--metric", "loss", "--json").stdout)
    dry = run_cli(
        "checkpoints", "cleanup", "r1", "--keep-latest", "1", "--metric", "loss", "--dry-run", "--json"
    )
    assert json.loads(dry.stdout)["best"] == best["step"]
    monitored = json.loads(run_cli("checkpoints", "best", "r1", "--json").stdout)  # the run's macro_f1, max
    assert monitored["metrics"]["macro_f1"] == max(row["metrics"]["macro_f1"] for row in scanned)
    assert len(json.loads(run_cli("checkpoints", "scan", "r1", "--json").stdout)) == 3
    cleaned = json.loads(run_cli("checkpoints", "cleanup", "r1", "--metric", "loss", "--json").stdout)
    remaining = [row["step"] for row in json.loads(run_cli("checkpoints", "scan", "r1", "--json").stdout)]
    assert best["step"] in remaining and 9 in remaining and len(remaining) + len(cleaned["deleted"]) == 3

    exported = run_cli("checkpoints", "export", "r1", "--to", "r1-best", "--metric", "loss")
    assert exported.exit_code == 0, exported.output
    again = run_cli("validate", "r1-best", "--quick", "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["passed"]


def test_bad_inputs_are_one_line_errors(run_cli: RunCli, tmp_path: Path) -> None:
    missing = run_cli("validate", "ghost")
    assert (
        missing.exit_code == 1
        and "model 'ghost' is neither a local folder nor a model published" in missing.output
    )
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    failed = run_cli("validate", str(broken), "--quick")
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert "failed: integrity: no tokenizer" in failed.stderr
    none = run_cli("checkpoints", "scan", "nope")
    assert none.exit_code == 1 and "run 'nope' has no checkpoints" in none.output
