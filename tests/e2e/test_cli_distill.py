"""`codemill distill` end to end: a tiny teacher trained by the CLI, then a student with its report."""

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import TINY_BUDGET, RunCli, train_kinds_classifier

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/e2e/conftest.py


@pytest.fixture
def teacher(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CODEMILL_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return train_kinds_classifier(run_cli, tmp_path / "src", "teacher")


def test_distill_exports_the_student_with_its_report_and_reuses_the_cache(
    run_cli: RunCli, teacher: str, data_root: Path
) -> None:
    args = ("distill", "--teacher", teacher, "--dataset", "kinds", "--student", "tiny", *TINY_BUDGET)
    result = run_cli(*args, "--name", "student", "--loss", "kl=0.7", "--loss", "ce=0.3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["status"] == "completed" and payload["model"] == "models/student"
    assert 0.0 <= payload["metrics"]["macro_f1"] <= 1.0
    assert set(payload["teacher_metrics"]) >= {"accuracy", "macro_f1"}
    report = json.loads((data_root / "models" / "student" / "distillation_report.json").read_text())
    assert report["teacher"] == teacher and report["params_ratio"] == pytest.approx(1.0)
    assert report["student_speed"]["batch_size"] == 32 and report["speedup"] > 0
    assert (
        (data_root / "models" / "student" / "distillation_report.md").read_text().startswith("# Distillation")
    )
    assert run_cli("storage", "verify", "models/student").exit_code == 0
    steps = (data_root / "runs" / "student" / "distill_log.csv").read_text().splitlines()
    assert steps[0].startswith("step,epoch,loss,ce_raw,") and len(steps) == 1 + 4  # a row per step
    cached = sorted((data_root / "distill-cache").iterdir())
    assert len(cached) == 1 and (cached[0] / "manifest.json").is_file()

    shown = json.loads(run_cli("runs", "show", "student", "--json").stdout)
    assert shown["teacher"] == teacher and shown["report"]["metric"] == "macro_f1"
    listing = json.loads(run_cli("runs", "ls", "--json").stdout)
    assert {row["name"] for row in listing["training"]} == {"teacher", "student"}

    again = run_cli(*args, "--name", "student2", "--schedule", "soft-to-hard", "--alpha", "0.5")
    assert again.exit_code == 0, again.output
    assert "retention" in again.output and "speed-up" in again.output
    assert len(list((data_root / "distill-cache").iterdir())) == 1  # the same teacher outputs

    missing = run_cli("distill", "--teacher", "nobody", "--dataset", "kinds", "--name", "s")
    assert missing.exit_code == 1 and "teacher model 'nobody'" in missing.output
    assert "Traceback" not in missing.output


def test_bad_options_are_one_line(run_cli: RunCli) -> None:
    teacher = "teacher"
    bad = run_cli("distill", "--teacher", teacher, "--dataset", "kinds", "--name", "s", "--loss", "kld=1")
    assert bad.exit_code == 1 and "unknown loss 'kld'" in bad.output
    both = run_cli(
        "distill",
        "--teacher",
        teacher,
        "--dataset",
        "kinds",
        "--name",
        "s",
        "--alpha",
        "0.5",
        "--loss",
        "kl=1",
    )
    assert both.exit_code == 2
    args = ("distill", "--teacher", teacher, "--dataset", "kinds", "--name", "s", "--loss-preset", "trident")
    preset = run_cli(*args, "--loss", "ce=1", "--schedule", "linear")
    assert preset.exit_code == 2 and "drop --loss, --schedule, or the preset" in preset.output
    shown = run_cli("distill", "--help").output
    assert all(flag in shown for flag in ("--loss-preset", "--semantic-scale", "--contrastive-temperature"))
