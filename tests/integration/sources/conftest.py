"""Helpers for source tests: collect what a source yields, build real git repositories."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from codemill.domain.ports.code_source import CodeSource
from codemill.domain.sources import RawFile, SkippedFile


@dataclass
class Collected:
    files: list[RawFile]
    skipped: list[SkippedFile]

    @property
    def paths(self) -> list[str]:
        return [f.path for f in self.files]

    def reasons(self) -> dict[str, str]:
        return {s.path: s.reason for s in self.skipped}

    def data(self, path: str) -> bytes:
        return next(f.data for f in self.files if f.path == path)


def collect_all(source: CodeSource) -> Collected:
    files: list[RawFile] = []
    skipped: list[SkippedFile] = []
    for item in source.iter_files():
        (files if isinstance(item, RawFile) else skipped).append(item)  # type: ignore[arg-type]
    return Collected(files, skipped)


@pytest.fixture
def collect() -> Callable[[CodeSource], Collected]:
    return collect_all


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


@pytest.fixture
def write_tree() -> Callable[[Path, dict[str, str | bytes]], None]:
    return write


class Repo:
    """A real git repository in a test folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "-b", "main")

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def commit(self, files: dict[str, str | bytes], message: str = "change") -> str:
        write(self.root, files)
        self.git("add", "--all")
        self.git("commit", "--quiet", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An isolated git identity and configuration."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Author")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "author@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def make_repo(git_env: None) -> Callable[[Path], Repo]:
    return Repo
