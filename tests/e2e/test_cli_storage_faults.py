"""Collect through storage faults: an S3 server killed mid-collect, and a local disk that fills up."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemill.application.publishing.artifacts import verify_manifest
from codemill.infrastructure.storage.local_artifact_store import TEMP_MARKER, LocalArtifactStore
from codemill.infrastructure.storage.s3_artifact_store import S3ArtifactStore
from tests.support.seaweedfs_server import restart_seaweedfs, start_seaweedfs


def _code(root: Path, packages: tuple[str, ...]) -> Path:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for package in packages:
        shutil.copytree(
            stdlib / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "test*")
        )
    return root


def _collect(env: dict[str, str], source: Path, name: str, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "codemill", "collect", str(source), "--name", name, "--workers", "1"]
    return subprocess.Popen(
        [*command, *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def test_an_s3_outage_mid_collect_fails_in_one_line_and_a_rerun_publishes(tmp_path: Path) -> None:
    workdir = tmp_path / "weed"
    server = start_seaweedfs(workdir)
    try:
        bucket = server.create_bucket()
        env = {
            **os.environ,
            "CODEMILL_STORAGE__BACKEND": "s3",
            "CODEMILL_STORAGE__PROVIDER": "seaweedfs",
            "CODEMILL_STORAGE__ENDPOINT_URL": server.endpoint_url,
            "CODEMILL_STORAGE__BUCKET": bucket,
            "CODEMILL_STORAGE__ACCESS_KEY_ID": server.access_key,
            "CODEMILL_STORAGE__SECRET_ACCESS_KEY": server.secret_key,
            "CODEMILL_STORAGE__CONNECT_TIMEOUT": "1",
            "CODEMILL_STORAGE__MAX_ATTEMPTS": "2",
            "CODEMILL_COLLECT__SHARD_FILES": "2",
        }
        source = _code(tmp_path / "code", ("json", "email", "http"))
        client = server.client()
        process = _collect(env, source, "outage")
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            listed = client.list_objects_v2(Bucket=bucket, Prefix="staging/corpora/outage/shards/")
            if sum(item["Key"].endswith(".json") for item in listed.get("Contents", [])) >= 2:
                break
            time.sleep(0.05)
        server.kill()  # while shards are being written
        _, stderr = process.communicate(timeout=180)
        assert process.returncode == 1, stderr
        errors = _error_lines(stderr)
        assert len(errors) == 1 and "cannot reach S3 endpoint" in errors[0], stderr

        server = restart_seaweedfs(server, workdir)
        store = S3ArtifactStore(server.client(), bucket)
        assert not store.exists("corpora/outage/manifest.json")
        rerun = _collect(env, source, "outage")
        _, stderr = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, stderr
        assert verify_manifest(store, "corpora/outage").ok
        assert not list(store.list(".locks/")) and not list(store.list("staging/"))
    finally:
        server.stop()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1.5 MB file system (tmpfs), where mounting one is allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(mount)], check=False, capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_in_one_line_and_leaves_no_temp_file(small_disk: Path, tmp_path: Path) -> None:
    env = {**os.environ, "CODEMILL_STORAGE__ROOT": str(small_disk), "CODEMILL_COLLECT__SHARD_FILES": "4"}
    small = _code(tmp_path / "small", ("json",))
    first = _collect(env, small, "kept")
    assert first.wait(timeout=120) == 0, first.communicate()[1]
    store = LocalArtifactStore(small_disk)
    kept = (small_disk / "corpora/kept/manifest.json").read_bytes()

    big = _code(tmp_path / "big", ("email", "http", "logging", "xml", "urllib", "asyncio"))
    filling = _collect(env, big, "big")
    _, stderr = filling.communicate(timeout=300)
    assert filling.returncode == 1
    errors = _error_lines(stderr)
    assert len(errors) == 1 and "No space left on device" in errors[0], stderr
    assert (small_disk / "corpora/kept/manifest.json").read_bytes() == kept
    assert verify_manifest(store, "corpora/kept").ok
    assert not (small_disk / "corpora/big/manifest.json").exists()
    assert not [path for path in small_disk.rglob("*") if path.name.startswith(TEMP_MARKER)]
    assert not list(store.list(".locks/"))
