"""Published names are never replaced silently; replacing one makes what was built from it say so."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from codemill.application.publishing.artifacts import verify_manifest
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore

FUNCTIONS = (
    "def add(a, b):\n    total = a + b\n    return total\n\n\ndef scale(x, k):\n    return x * k * 2\n"
)
OTHER = "def greet(name):\n    '''Say hello.'''\n    return 'hello ' + name\n"


def _source(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "mod.py").write_text(text)
    return folder


def test_a_second_collect_onto_a_name_is_refused_until_overwrite(run_cli, data_root, tmp_path) -> None:
    first = tmp_path / "a"
    shutil.copytree(Path(sysconfig.get_paths()["stdlib"]) / "json", first)  # functions with docstrings
    second = _source(tmp_path, "b", OTHER)
    assert run_cli("collect", str(first), "--name", "same", "--workers", "1").exit_code == 0
    before = (data_root / "corpora/same/manifest.json").read_bytes()

    refused = run_cli("collect", str(second), "--name", "same", "--workers", "1")
    assert refused.exit_code == 1
    assert "corpus 'same' already exists (published " in refused.output and "--overwrite" in refused.output
    assert (data_root / "corpora/same/manifest.json").read_bytes() == before

    built = run_cli("dataset", "build", "same", "--name", "docs", "--task", "generation/summarize")
    assert built.exit_code == 0, built.output
    replaced = run_cli("collect", str(second), "--name", "same", "--workers", "1", "--overwrite", "--json")
    assert replaced.exit_code == 0, replaced.output
    shown = json.loads(run_cli("corpus", "show", "same", "--json").output)
    assert shown["replaces"] and shown["replaces"] != shown["manifest_sha256"]
    stale = run_cli("dataset", "show", "docs", "--json")
    assert "built from corpus 'same' as of" in stale.output and "has since been replaced" in stale.output

    again = run_cli("dataset", "build", "same", "--name", "docs", "--task", "generation/summarize")
    assert again.exit_code == 1 and "dataset 'docs' already exists" in again.output


def test_two_collects_of_one_name_at_once_publish_exactly_one(data_root, tmp_path) -> None:
    source = _source(tmp_path, "code", FUNCTIONS * 20)
    env = {**os.environ, "CODEMILL_STORAGE__ROOT": str(data_root)}
    store = LocalArtifactStore(data_root)
    for round_ in range(3):
        name = f"race-{round_}"
        command = [sys.executable, "-m", "codemill", "collect", str(source), "--name", name, "--workers", "1"]
        runs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        results = [(run.wait(timeout=300), run.communicate()) for run in runs]
        codes = sorted(code for code, _ in results)
        assert codes == [0, 1], results
        failed_err = next(err for code, (_, err) in results if code == 1)
        error_lines = [line for line in failed_err.splitlines() if line.startswith("Error:")]
        assert len(error_lines) == 1 and (
            "is being written by another run" in error_lines[0] or "already exists" in error_lines[0]
        )
        assert verify_manifest(store, f"corpora/{name}").ok
    assert not list(store.list(".locks/")) and not list(store.list("staging/"))
