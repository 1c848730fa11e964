"""`codemill collect` end to end: real files, a real git repository, real parsers and analyzers."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import RunCli

PY_UTIL = '''\
import subprocess


def run(command):
    """Run a shell command and return its output."""
    completed = subprocess.run(command, shell=True, capture_output=True)
    return completed.stdout


class Config:
    """Holds settings."""

    def __init__(self, path):
        self.path = path
        self.values = {}

    def owner(self):
        contact = "jane.doe@acme-corp.com"
        return contact


def noop(): pass
'''

JS_LIB = """\
/**
 * Adds two numbers.
 */
function add(a, b) {
  const total = a + b;
  return total;
}

class Stack {
  push(item) {
    this.items.push(item);
    return this.items.length;
  }
}
"""

GO_MAIN = """\
package main

// Greet returns a greeting for name.
func Greet(name string) string {
\tmessage := "hello " + name
\treturn message
}
"""

SECRET = "AKIAIOSFODNN7EXAMPLE"
PY_SECRET = f'''\
def connect():
    aws_access_key_id = "{SECRET}"
    client = make_client(aws_access_key_id)
    return client
'''


def _tree(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "util.py").write_text(PY_UTIL)
    (root / "pkg" / "copy_of_util.py").write_text(PY_UTIL.replace("    ", "  "))  # reformatted copy
    (root / "pkg" / "creds.py").write_text(PY_SECRET)
    (root / "web").mkdir()
    (root / "web" / "lib.js").write_text(JS_LIB)
    (root / "web" / "app.min.js").write_text("var a=1;" * 400)
    (root / "cmd").mkdir()
    (root / "cmd" / "main.go").write_text(GO_MAIN)
    (root / "node_modules" / "dep").mkdir(parents=True)
    (root / "node_modules" / "dep" / "index.js").write_text(JS_LIB)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (root / "data.bin.py").write_bytes(b"\x00\x01binary")
    return root


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout


def test_collect_a_folder_accounts_for_everything(run_cli: RunCli, tmp_path: Path) -> None:
    root = _tree(tmp_path / "code")
    result = run_cli("collect", str(root), "--name", "mixed", "--workers", "2", "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)["stats"]
    assert set(stats["languages"]) == {"python", "javascript", "go"}
    assert stats["skipped"]["minified"] == 1
    assert stats["skipped"]["binary"] == 1
    assert stats["skipped"]["unsupported_language"] >= 1  # logo.png
    assert stats["dedup"]["exact_duplicates"] >= 3  # the reformatted copy of util.py
    assert stats["redactions"].get("<EMAIL>", 0) >= 1
    assert stats["security"]["findings_by_test"].get("B602", 0) == 1  # shell=True in run()
    assert stats["units"]["kept"] + stats["units"]["rejected"] == stats["units"]["extracted"]

    assert run_cli("storage", "verify", "corpora/mixed").exit_code == 0
    shown = run_cli("corpus", "show", "mixed")
    assert shown.exit_code == 0, shown.output
    assert "python" in shown.output
    assert "mixed" in run_cli("corpus", "ls").output


def test_nothing_secret_is_stored(run_cli: RunCli, tmp_path: Path, data_root: Path) -> None:
    root = _tree(tmp_path / "code")
    assert run_cli("collect", str(root), "--name", "clean", "--workers", "1").exit_code == 0
    from codemill.infrastructure.corpus.parquet_corpus_repository import ParquetCorpusRepository
    from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore

    repo = ParquetCorpusRepository(LocalArtifactStore(data_root))
    records = list(repo.iter_records("clean")) + [r for r, _ in repo.iter_rejections("clean")]
    texts = [r.unit.code + (r.unit.docstring or "") + r.unit.code_without_docstring for r in records]
    assert records
    assert not any(SECRET in t or "jane.doe@acme-corp.com" in t for t in texts)
    connect = next(r for r in records if r.unit.name == "connect")
    assert sum(connect.redactions.values()) >= 1


def test_collect_a_git_repository_records_the_commit(run_cli: RunCli, tmp_path: Path) -> None:
    repo = _tree(tmp_path / "repo")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "initial")
    sha = _git(repo, "rev-parse", "HEAD").strip()
    result = run_cli("collect", f"file://{repo}", "--name", "fromgit", "--ref", "main", "--json", "-l", "go")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)["stats"]
    assert stats["sources"][0]["commit"] == sha
    assert set(stats["languages"]) == {"go"}
    assert stats["skipped"]["language_not_selected"] >= 1


def test_a_missing_source_is_one_line_and_writes_nothing(
    run_cli: RunCli, tmp_path: Path, data_root: Path
) -> None:
    result = run_cli("collect", str(tmp_path / "nowhere"), "--name", "x")
    assert result.exit_code == 1
    assert "nowhere" in result.output
    assert "Traceback" not in result.output
    assert not (data_root / "corpora" / "x").exists()


@pytest.mark.parametrize("flag", ["--no-filter", "--no-dedup"])
def test_switches_keep_more_units(run_cli: RunCli, tmp_path: Path, flag: str) -> None:
    root = _tree(tmp_path / "code")
    base = json.loads(run_cli("collect", str(root), "--name", "a", "--json", "--workers", "1").stdout)
    more = json.loads(run_cli("collect", str(root), "--name", "b", "--json", "--workers", "1", flag).stdout)
    assert more["stats"]["units"]["kept"] > base["stats"]["units"]["kept"]
