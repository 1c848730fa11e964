"""Collection on Ray and resumed after SIGKILL: the same corpus as one uninterrupted local run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from codemill.infrastructure.collection.file_worker import shard_worker_factory
from codemill.presentation.container import Container

SHARDS = {"CODEMILL_COLLECT__SHARD_FILES": "3"}


@pytest.fixture(scope="module")
def code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 40 stdlib files: several shards of 3 files, duplicates and filtered units among them."""
    root = tmp_path_factory.mktemp("code")
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for package in ("json", "http", "logging", "urllib", "email/mime"):
        shutil.copytree(
            stdlib / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "test*")
        )
    shutil.copytree(stdlib / "json", root / "json_copy")  # exact duplicates across shards
    return root


def _corpus(data_root: Path, name: str) -> tuple[dict[str, str], dict[str, object]]:
    """The sha256 of each data and rejected shard, and stats.json without its timings."""
    folder = data_root / "corpora" / name
    manifest = json.loads((folder / "manifest.json").read_text())
    shards = {
        e["path"]: e["sha256"] for e in manifest["artifacts"] if e["path"].startswith(("data/", "rejected/"))
    }
    stats = json.loads((folder / "stats.json").read_text())
    stats.pop("timing")
    for language in stats["languages"].values():
        language.pop("mean_parse_ms")
    return shards, stats


def test_ray_collects_the_same_corpus_as_the_local_pool(run_cli, data_root, code, ray_cluster) -> None:
    local = run_cli("collect", str(code), "--name", "local", "--workers", "2", "--no-security", env=SHARDS)
    assert local.exit_code == 0, local.output
    on_ray = run_cli(
        "collect",
        str(code),
        "--name",
        "ray",
        "--workers",
        "2",
        "--no-security",
        "--executor",
        "ray",
        env=SHARDS,
    )
    assert on_ray.exit_code == 0, on_ray.output
    shards, stats = _corpus(data_root, "local")
    assert len(shards) > 4 and stats["dedup"]["exact_duplicates"] > 0
    assert _corpus(data_root, "ray") == (shards, stats)
    assert not (data_root / "staging").exists() or not any((data_root / "staging").rglob("*.parquet"))


def _dies_once(marker: str, options, dedup_factory, staging, resume):  # type: ignore[no-untyped-def]
    """A shard worker whose process exits abruptly on shard 1, the first time only."""
    run = shard_worker_factory(options, dedup_factory, staging, resume)()

    def worker(shard):  # type: ignore[no-untyped-def]
        if shard.index == 1 and not os.path.exists(marker):
            Path(marker).touch()
            os._exit(1)
        return run(shard)

    return worker


def test_a_ray_worker_killed_mid_shard_is_retried(run_cli, data_root, code, ray_cluster, tmp_path) -> None:
    marker = str(tmp_path / "died")
    container = Container()

    def factory(options, dedup_factory, staging, resume):  # type: ignore[no-untyped-def]
        return lambda: _dies_once(marker, options, dedup_factory, staging, resume)

    container.collect_data.add_kwargs(worker_factory=factory)
    args = ("collect", str(code), "--workers", "2", "--no-security", "--executor", "ray")
    assert run_cli(*args, "--name", "killed", env=SHARDS, container=container).exit_code == 0
    assert Path(marker).exists()  # the worker did die
    assert run_cli(*args, "--name", "whole", env=SHARDS).exit_code == 0
    assert _corpus(data_root, "killed") == _corpus(data_root, "whole")


def test_an_unreachable_ray_address_fails_in_one_line_before_any_work(run_cli, data_root, code) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens once the probe is closed
    started = time.monotonic()
    result = run_cli("collect", str(code), "--name", "nowhere", "--ray-address", f"127.0.0.1:{port}")
    assert result.exit_code == 1
    assert time.monotonic() - started < 30
    assert result.output.strip().count("\n") == 0 and "cannot reach the Ray cluster" in result.output
    assert not (data_root / "corpora" / "nowhere").exists() and not (data_root / "staging").exists()


def _staged(data_root: Path, name: str) -> int:
    return len(list((data_root / "staging" / "corpora" / name / "shards").glob("*.json")))


def test_a_collection_killed_with_sigkill_resumes_to_the_same_corpus(run_cli, data_root, code) -> None:
    env = {**os.environ, **SHARDS, "CODEMILL_STORAGE__ROOT": str(data_root)}
    command = [sys.executable, "-m", "codemill", "collect", str(code), "--name", "resumed", "--workers", "2"]
    process = subprocess.Popen(command, env=env, start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _staged(data_root, "resumed") < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done = _staged(data_root, "resumed")
    assert done >= 3
    assert not (data_root / "corpora" / "resumed" / "manifest.json").exists()
    listed = run_cli("corpus", "ls", "--json")
    assert "resumed" not in listed.output

    resumed = run_cli("collect", str(code), "--name", "resumed", "--workers", "2", "--resume", env=SHARDS)
    assert resumed.exit_code == 0, resumed.output
    whole = run_cli("collect", str(code), "--name", "whole", "--workers", "2", env=SHARDS)
    assert whole.exit_code == 0, whole.output
    assert _corpus(data_root, "resumed") == _corpus(data_root, "whole")
