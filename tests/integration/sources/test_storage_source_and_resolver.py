from __future__ import annotations

import zipfile
from pathlib import Path
from typing import BinaryIO

import pytest

from codemill.domain.errors import InputError
from codemill.infrastructure.sources.archive_source import ArchiveSource
from codemill.infrastructure.sources.default_source_resolver import (
    DefaultSourceResolver,
    SourcePlan,
    plan_source,
)
from codemill.infrastructure.sources.git_repository_source import GitRepositorySource
from codemill.infrastructure.sources.local_folder_source import LocalFolderSource
from codemill.infrastructure.sources.storage_source import StorageSource
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore

PY = b"def f():\n    return 1\n"


class RecordingStore(LocalArtifactStore):
    """The real local store, remembering which keys were opened."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.opened: list[str] = []

    def open(self, key: str) -> BinaryIO:
        self.opened.append(key)
        return super().open(key)


@pytest.fixture
def store(tmp_path) -> RecordingStore:
    store = RecordingStore(tmp_path / "store")
    for key, data in {
        "code/src/a.py": PY,
        "code/src/node_modules/dep.js": b"x",
        "code/big.py": b"#" * 500,
        "code/notes.md": b"# notes",
        "code/bin/tool": b"#!/usr/bin/python3\nprint(1)\n",
        "codebase/other.py": PY,
    }.items():
        store.put(key, data)
    return store


def test_storage_source_reads_keys_under_the_prefix(store, collect) -> None:
    got = collect(StorageSource(store, "code", max_bytes=100, description="store:code"))
    assert got.paths == ["bin/tool", "src/a.py"]
    assert got.data("src/a.py") == PY
    assert {f.source for f in got.files} == {"store:code"}
    assert got.reasons() == {"big.py": "too_large", "notes.md": "unsupported_language"}
    assert "code/big.py" not in store.opened and "code/notes.md" not in store.opened


@pytest.mark.parametrize(
    ("spec", "url"),
    [
        ("github:octo/hello", "https://github.com/octo/hello.git"),
        ("github:octo/hello.git", "https://github.com/octo/hello.git"),
        ("https://example.com/a/b.git", "https://example.com/a/b.git"),
        ("http://example.com/a/b", "http://example.com/a/b"),
        ("ssh://git@example.com/a/b.git", "ssh://git@example.com/a/b.git"),
        ("git@github.com:octo/hello.git", "git@github.com:octo/hello.git"),
        ("file:///srv/repo.git", "file:///srv/repo.git"),
    ],
)
def test_remote_specs_plan_a_git_clone_of_the_right_url(spec, url) -> None:
    assert plan_source(spec) == SourcePlan("git", url)


def test_a_bad_github_shorthand_is_an_input_error() -> None:
    with pytest.raises(InputError, match="github:owner/name"):
        plan_source("github:just-a-name")


def test_storage_specs_plan_their_prefix() -> None:
    assert plan_source("s3://bucket/some/prefix") == SourcePlan("s3", "bucket/some/prefix")
    assert plan_source("store:corpora/raw") == SourcePlan("store", "corpora/raw")


def test_s3_spec_goes_through_the_injected_store_factory(tmp_path, store, collect) -> None:
    buckets: list[str] = []

    def store_for(bucket: str) -> LocalArtifactStore:
        buckets.append(bucket)
        return store

    source = DefaultSourceResolver(s3_store_for_bucket=store_for).resolve("s3://my-bucket/code/src")
    assert isinstance(source, StorageSource) and buckets == ["my-bucket"]
    assert collect(source).paths == ["a.py"]
    assert source.description == "s3://my-bucket/code/src"


def test_s3_without_configuration_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no S3 connection"):
        DefaultSourceResolver().resolve("s3://bucket/prefix")


def test_store_spec_reads_the_configured_store(store, collect) -> None:
    source = DefaultSourceResolver(store=store).resolve("store:code/src")
    assert isinstance(source, StorageSource)
    assert collect(source).paths == ["a.py"]
    with pytest.raises(InputError, match="none is configured"):
        DefaultSourceResolver().resolve("store:code")
    with pytest.raises(InputError, match=r"store:\.\./up"):
        DefaultSourceResolver(store=store).resolve("store:../up")


def test_folder_archive_and_missing_paths(tmp_path, collect) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "a.py").write_bytes(PY)
    with zipfile.ZipFile(tmp_path / "code.zip", "w") as archive:
        archive.writestr("b.py", PY)
    (tmp_path / "notes.txt").write_text("hi")
    resolver = DefaultSourceResolver(max_bytes=1000)
    folder = resolver.resolve(str(tmp_path / "folder"))
    assert isinstance(folder, LocalFolderSource) and folder.commit == ""
    archive_source = resolver.resolve(str(tmp_path / "code.zip"))
    assert isinstance(archive_source, ArchiveSource)
    assert collect(archive_source).paths == ["b.py"]
    with pytest.raises(InputError, match="not an archive"):
        resolver.resolve(str(tmp_path / "notes.txt"))
    with pytest.raises(InputError, match="does not exist: give a folder, a git URL"):
        resolver.resolve(str(tmp_path / "nothing-here"))
    with pytest.raises(InputError, match="git repositories only"):
        resolver.resolve(str(tmp_path / "folder"), ref="main")


def test_local_repository_is_read_in_place_or_cloned_at_a_ref(tmp_path, make_repo, collect) -> None:
    repo = make_repo(tmp_path / "repo")
    first = repo.commit({"a.py": PY})
    second = repo.commit({"b.py": PY})
    resolver = DefaultSourceResolver()
    in_place = resolver.resolve(str(repo.root))
    assert isinstance(in_place, LocalFolderSource) and in_place.commit == second
    assert {f.commit for f in collect(in_place).files} == {second}
    cloned = resolver.resolve(str(repo.root), ref=first)
    try:
        assert isinstance(cloned, GitRepositorySource) and cloned.commit == first
        assert collect(cloned).paths == ["a.py"]
    finally:
        cloned.close()
