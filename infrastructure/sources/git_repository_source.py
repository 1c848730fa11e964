"""CodeSource over a git repository, cloned shallowly into a temporary folder."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from codemill.domain.errors import InputError
from codemill.domain.sources import RawFile, SkippedFile
from codemill.infrastructure.sources.git_cli import (
    DEFAULT_TIMEOUT_S,
    GitFailure,
    network_environment,
    run_git,
)
from codemill.infrastructure.sources.local_folder_source import DEFAULT_MAX_BYTES, LocalFolderSource

URL_SCHEMES = ("https://", "http://", "ssh://", "git://", "file://")
_SCP_LIKE = re.compile(r"^[\w.~-]+@[\w.-]+:(?!//)\S+$")  # git@host:owner/repo.git
_GITHUB = re.compile(r"^github:([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")
_FULL_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_SHORT_SHA = re.compile(r"^[0-9a-f]{7,63}$")


def is_remote_spec(spec: str) -> bool:
    """Whether `spec` names a repository by URL, scp-like address or `github:owner/name`."""
    return spec.startswith((*URL_SCHEMES, "github:")) or bool(_SCP_LIKE.match(spec))


def clone_url(spec: str) -> str:
    """What git is asked to clone for `spec`; `github:owner/name` becomes its https URL."""
    if spec.startswith("github:"):
        match = _GITHUB.match(spec)
        if match is None:
            raise InputError(f"source '{spec}' is not a valid 'github:owner/name' shorthand")
        return f"https://github.com/{match.group(1)}/{match.group(2)}.git"
    if is_remote_spec(spec):
        return spec
    return str(Path(spec).expanduser().resolve())


class GitRepositorySource:
    """Every file of one commit of a git repository.

    Contract: the constructor clones `spec` (a URL, `git@host:path`,
    `github:owner/name` or a local repository) at `ref` (a branch, a tag or a
    commit; the default branch when None) with the least history it can,
    without prompting for credentials, and raises InputError naming the URL
    and git's error when that fails or takes longer than `timeout_s`. Files
    are walked as LocalFolderSource walks a folder, each carrying the
    resolved commit SHA; `close` deletes the clone.
    """

    def __init__(
        self,
        spec: str,
        *,
        ref: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if ref is not None and (not ref or ref.startswith("-")):
            raise InputError(f"ref {ref!r} for source '{spec}' is not a branch, tag or commit")
        self.description = spec
        self.url = clone_url(spec)
        self._timeout_s = timeout_s
        self._env = network_environment()
        self._temp = Path(tempfile.mkdtemp(prefix="codemill-git-"))
        self.checkout = self._temp / "repo"
        try:
            self._fetch(ref)
            self.commit = run_git(["rev-parse", "HEAD"], cwd=self.checkout, timeout_s=timeout_s)
        except GitFailure as exc:
            self.close()
            at = f" at ref '{ref}'" if ref else ""
            raise InputError(f"cannot clone {self.url}{at}: {exc}") from None
        except BaseException:
            self.close()
            raise
        self._folder = LocalFolderSource(
            self.checkout, max_bytes=max_bytes, description=spec, commit=self.commit
        )

    def iter_files(self) -> Iterator[RawFile | SkippedFile]:
        return self._folder.iter_files()

    def close(self) -> None:
        shutil.rmtree(self._temp, ignore_errors=True)

    def _git(self, *args: str, cwd: Path | None = None) -> None:
        run_git(["-c", "advice.detachedHead=false", *args], cwd=cwd, timeout_s=self._timeout_s, env=self._env)

    def _fetch(self, ref: str | None) -> None:
        if ref is None:
            self._clone_shallow()
        elif _FULL_SHA.match(ref):
            self._with_fallback(ref, lambda: self._fetch_commit(ref))
        elif _SHORT_SHA.match(ref):
            self._with_fallback(ref, lambda: self._clone_shallow("--branch", ref))
        else:
            self._clone_shallow("--branch", ref)

    def _with_fallback(self, ref: str, attempt: Callable[[], None]) -> None:
        """Try the cheap way; when the server refuses it, clone everything and check `ref` out."""
        try:
            attempt()
        except GitFailure:
            shutil.rmtree(self.checkout, ignore_errors=True)
            self._full_clone_at(ref)

    def _clone_shallow(self, *options: str) -> None:
        self._git("clone", "--quiet", "--depth", "1", *options, "--", self.url, str(self.checkout))

    def _fetch_commit(self, sha: str) -> None:
        self._git("init", "--quiet", str(self.checkout))
        self._git("remote", "add", "origin", self.url, cwd=self.checkout)
        self._git("fetch", "--quiet", "--depth", "1", "origin", sha, cwd=self.checkout)
        self._git("checkout", "--quiet", "--detach", "FETCH_HEAD", cwd=self.checkout)

    def _full_clone_at(self, ref: str) -> None:
        self._git("clone", "--quiet", "--no-checkout", "--", self.url, str(self.checkout))
        self._git("checkout", "--quiet", "--detach", ref, "--", cwd=self.checkout)
