"""`codemill pipeline` end to end: a small corpus, killed in mid-training, resumed to a verified run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from codemill.application.publishing.artifacts import verify_manifest
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
from tests.e2e.conftest import RunCli
from tests.support.torchrun import quiet_env

STDLIB = Path(sysconfig.get_paths()["stdlib"])


def small_corpus(folder: Path) -> Path:
    for package in ("json", "email"):
        shutil.copytree(STDLIB / package, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def write_config(path: Path, source: Path, *, max_steps: int, distill: bool = True) -> Path:
    path.write_text(
        f"""
[collect]
sources = [{json.dumps(str(source))}]
workers = 1
exclude_tests = false

[dataset]
task = "generation/summarize"
label_field = ""
vocab_size = 600
max_input_length = 128
max_target_length = 16
max_samples = 0

[train]
model = "tiny"
epochs = 2.0
max_steps = {max_steps}
eval_every = 5
batch_size = 8
learning_rate = 0.003
max_input_length = 128
max_target_length = 16
generation_max_length = 16

[distill]
enabled = {str(distill).lower()}
student = "tiny"

[distill.train]
max_steps = {max_steps}

[validate]
quick = false
""",
        encoding="utf-8",
    )
    return path


def test_print_config_shows_the_effective_settings(run_cli: RunCli, tmp_path: Path) -> None:
    config = write_config(tmp_path / "p.toml", tmp_path / "src", max_steps=7)
    result = run_cli("pipeline", str(config), "--set", "train.batch_size=4", "--print-config")
    assert result.exit_code == 0, result.output
    assert "batch_size = 4" in result.output and "max_steps = 7" in result.output
    assert 'task = "generation/summarize"' in result.output
    bad = run_cli("pipeline", "--set", "train.epoch=3")
    assert bad.exit_code == 1 and "[train] has unknown settings ['epoch']" in bad.output
    assert "Traceback" not in bad.output and len(bad.output.strip().splitlines()) == 1


def test_pipeline_killed_in_training_resumes_to_a_complete_verified_run(tmp_path: Path) -> None:
    config = write_config(tmp_path / "p.toml", small_corpus(tmp_path / "src"), max_steps=150)
    root, work = tmp_path / "store", tmp_path / "work"
    env = quiet_env(
        {
            "CODEMILL_STORAGE__ROOT": str(root),
            "CODEMILL_WORK_DIR": str(work),
            "CODEMILL_CACHE_DIR": str(tmp_path / "cache"),
        }
    )
    command = [sys.executable, "-m", "codemill.presentation.cli.main", "pipeline", str(config)]
    log = (tmp_path / "first.log").open("wb")
    first = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=log, start_new_session=True)
    try:
        records = wait_for(
            lambda: list(work.glob("pipelines/*/runs/teacher/checkpoints/*/codemill_checkpoint.json"))
        )
        os.killpg(first.pid, signal.SIGKILL)  # no handler runs: as if the machine went down
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert records, (tmp_path / "first.log").read_text(errors="replace")[-3000:]
    (run_id,) = [p.name for p in (root / "pipelines").iterdir()]
    store = LocalArtifactStore(root)
    assert not store.exists(f"pipelines/{run_id}/manifest.json")  # not mistaken for complete

    second = subprocess.run(
        [*command[:-1], "--resume", run_id, "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert second.returncode == 0, second.stderr.decode(errors="replace")[-3000:]
    result = json.loads(second.stdout)
    statuses = {step["step"]: step["status"] for step in result["steps"]}
    assert statuses == {
        "collect": "reused",
        "dataset": "reused",
        "train": "ran",
        "distill": "ran",
        "validate": "ran",
    }
    assert b"resuming run teacher from step" in second.stderr
    assert verify_manifest(store, f"pipelines/{run_id}").ok
    for step, prefix in {
        "collect": "corpora/code",
        "dataset": "datasets/task",
        "train": "models/teacher",
    }.items():
        assert verify_manifest(store, f"pipelines/{run_id}/{prefix}").ok, step
    summary = result["summary"]
    assert summary["teacher"]["metrics"]["bleu4"] >= 0
    assert summary["dataset"]["baseline"]["metrics"]["bleu4"] > 0
    assert (root / "pipelines" / run_id / "report.md").read_text().startswith(f"# Pipeline run {run_id}")
    listing = subprocess.run(
        [sys.executable, "-m", "codemill.presentation.cli.main", "runs", "ls", "--json"],
        env=env,
        capture_output=True,
        check=True,
    )
    assert json.loads(listing.stdout)["pipelines"][0]["status"] == "finished"
    registered = subprocess.run(
        [*command[:-2], "registry", "register", "student", "--pipeline", run_id, "--name", "sums", "--json"],
        env=env,
        capture_output=True,
        check=False,
    )
    assert registered.returncode == 0, registered.stderr.decode(errors="replace")[-2000:]
    record = json.loads(registered.stdout)["record"]
    assert record["source"]["location"] == f"pipelines/{run_id}/models/student"
    assert record["run"]["name"] == "student" and record["validation"]["passed"] is True
    assert verify_manifest(store, "registry/sums/versions/1").ok


def wait_for(found, timeout: float = 300.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"nothing appeared within {timeout} s")
