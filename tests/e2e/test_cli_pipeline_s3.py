"""The pipeline against a real S3-compatible server (SeaweedFS), switched by environment only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codemill.application.publishing.artifacts import verify_manifest
from codemill.infrastructure.storage.s3_artifact_store import S3ArtifactStore
from tests.e2e.conftest import RunCli
from tests.e2e.test_cli_pipeline import small_corpus, write_config
from tests.e2e.test_cli_storage_s3 import _s3_env
from tests.support.seaweedfs_server import SeaweedServer


def test_the_pipeline_runs_and_resumes_on_s3(
    run_cli: RunCli, seaweedfs: SeaweedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    bucket = seaweedfs.create_bucket()
    env = {
        **_s3_env(seaweedfs, bucket),
        "CODEMILL_WORK_DIR": str(tmp_path / "work"),
        "CODEMILL_CACHE_DIR": str(tmp_path / "cache"),
    }
    config = write_config(tmp_path / "p.toml", small_corpus(tmp_path / "src"), max_steps=150)

    result = run_cli("pipeline", str(config), "--json", env=env)
    assert result.exit_code == 0, result.output
    run_id = json.loads(result.stdout)["run_id"]
    store = S3ArtifactStore(seaweedfs.client(), bucket)
    prefix = f"pipelines/{run_id}"
    assert verify_manifest(store, prefix).ok
    assert verify_manifest(store, f"{prefix}/models/student").ok
    assert store.get(f"{prefix}/report.md").startswith(f"# Pipeline run {run_id}".encode())

    again = run_cli("pipeline", "--resume", run_id, "--json", env=env)
    assert again.exit_code == 0, again.output
    assert {s["status"] for s in json.loads(again.stdout)["steps"]} == {"reused"}
