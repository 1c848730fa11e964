from __future__ import annotations

import time
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.infrastructure.sources.git_repository_source import GitRepositorySource

V1 = "def version():\n    return 1\n"
V2 = "def version():\n    return 2\n"


@pytest.fixture
def history(tmp_path, make_repo):
    """A repository with two commits on main, a tag on the first, and a branch 'feature'."""
    repo = make_repo(tmp_path / "origin")
    first = repo.commit({"app.py": V1, ".gitignore": "junk.py\n", "node_modules/x.js": "x"})
    repo.git("tag", "v1")
    second = repo.commit({"app.py": V2, "junk.py": "x = 1\n"})
    repo.git("checkout", "--quiet", "-b", "feature")
    feature = repo.commit({"feature.py": V1})
    repo.git("checkout", "--quiet", "main")
    return repo, {"v1": first, "main": second, "feature": feature}


def _read(source: GitRepositorySource, collect) -> dict[str, bytes]:
    got = collect(source)
    assert {f.commit for f in got.files} == {source.commit}
    return {f.path: f.data for f in got.files}


def test_clone_from_a_local_path_records_the_head_commit(history, collect) -> None:
    repo, commits = history
    source = GitRepositorySource(str(repo.root))
    try:
        assert source.commit == commits["main"]
        assert _read(source, collect) == {"app.py": V2.encode()}  # junk.py is .gitignore'd
        assert {f.source for f in collect(source).files} == {str(repo.root)}
    finally:
        source.close()


def test_file_url_clone_is_shallow(history, collect) -> None:
    repo, commits = history
    source = GitRepositorySource(repo.root.as_uri())
    try:
        assert source.commit == commits["main"]
        assert (source.checkout / ".git" / "shallow").is_file()
        assert _read(source, collect) == {"app.py": V2.encode()}
    finally:
        source.close()


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("feature", {"app.py": V2, "feature.py": V1}),
        ("v1", {"app.py": V1}),
    ],
)
def test_ref_selects_a_branch_or_a_tag(history, collect, ref, expected) -> None:
    repo, commits = history
    source = GitRepositorySource(repo.root.as_uri(), ref=ref)
    try:
        assert source.commit == commits[ref]
        assert _read(source, collect) == {k: v.encode() for k, v in expected.items()}
    finally:
        source.close()


@pytest.mark.parametrize("length", [40, 10])
def test_ref_selects_a_commit_by_full_or_short_sha(history, collect, length) -> None:
    repo, commits = history
    source = GitRepositorySource(repo.root.as_uri(), ref=commits["v1"][:length])
    try:
        assert source.commit == commits["v1"]
        assert _read(source, collect) == {"app.py": V1.encode()}
        if length == 40:  # a full SHA is fetched alone, without the history
            assert (source.checkout / ".git" / "shallow").is_file()
    finally:
        source.close()


def test_close_removes_the_clone_and_may_be_called_twice(history) -> None:
    repo, _ = history
    source = GitRepositorySource(str(repo.root))
    assert source.checkout.is_dir()
    source.close()
    source.close()
    assert not source.checkout.parent.exists()


def test_a_missing_repository_fails_quickly_with_one_line(tmp_path: Path, git_env) -> None:
    url = (tmp_path / "no-such-repo").as_uri()
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        GitRepositorySource(url)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert url in message and "\n" not in message
    assert "does not exist" in message or "fatal" in message


def test_an_unknown_ref_is_an_input_error_and_leaves_nothing_behind(history, tmp_path) -> None:
    repo, _ = history
    before = set(Path(tmp_path).iterdir())
    with pytest.raises(InputError, match="at ref 'no-such-branch'"):
        GitRepositorySource(repo.root.as_uri(), ref="no-such-branch")
    assert set(Path(tmp_path).iterdir()) == before


def test_an_option_like_ref_is_refused(history) -> None:
    repo, _ = history
    with pytest.raises(InputError, match="not a branch, tag or commit"):
        GitRepositorySource(str(repo.root), ref="--upload-pack=touch")
