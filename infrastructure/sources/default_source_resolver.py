"""SourceResolver: from what the user typed to the CodeSource that reads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codemill.domain.errors import InputError, InvalidKeyError
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.ports.code_source import CodeSource
from codemill.infrastructure.sources.archive_members import archive_format
from codemill.infrastructure.sources.archive_source import ArchiveSource
from codemill.infrastructure.sources.git_cli import DEFAULT_TIMEOUT_S, head_commit
from codemill.infrastructure.sources.git_repository_source import (
    GitRepositorySource,
    clone_url,
    is_remote_spec,
)
from codemill.infrastructure.sources.local_folder_source import DEFAULT_MAX_BYTES, LocalFolderSource
from codemill.infrastructure.sources.storage_source import StorageSource

S3_SCHEME = "s3://"
STORE_SCHEME = "store:"


@dataclass(frozen=True, slots=True)
class SourcePlan:
    """How a spec will be read: kind is 's3', 'store', 'git', 'archive' or 'folder'.

    `location` is the bucket and prefix ('bucket/prefix'), the store prefix,
    the URL git clones, or the local path.
    """

    kind: str
    location: str


def plan_source(spec: str, *, ref: str | None = None) -> SourcePlan:
    """Classify `spec` without fetching anything; raise InputError when it names nothing usable."""
    if spec.startswith(S3_SCHEME):
        return SourcePlan("s3", spec[len(S3_SCHEME) :])
    if spec.startswith(STORE_SCHEME):
        return SourcePlan("store", spec[len(STORE_SCHEME) :])
    if is_remote_spec(spec):
        return SourcePlan("git", clone_url(spec))
    path = Path(spec).expanduser()
    if path.is_dir():
        return SourcePlan("git" if ref is not None and (path / ".git").exists() else "folder", str(path))
    if path.is_file() and archive_format(path) is not None:
        return SourcePlan("archive", str(path))
    if path.is_file():
        raise InputError(f"source '{spec}' is a file, not an archive: give a .zip or .tar(.gz/.bz2/.xz)")
    raise InputError(
        f"source '{spec}' does not exist: give a folder, a git URL, an archive or s3://bucket/prefix"
    )


class DefaultSourceResolver:
    """Resolves folders, git repositories, archives, 's3://bucket/prefix' and 'store:prefix'.

    Contract (SourceResolver): raises InputError with one line when a spec
    names nothing that exists or can be fetched, when `ref` is given for a
    source that is not a git repository, or when S3 or the store is not
    configured. A local folder that is a git repository is read in place
    (with its HEAD commit recorded) unless a `ref` asks for another commit.
    """

    def __init__(
        self,
        *,
        store: ArtifactStore | None = None,
        s3_store_for_bucket: Callable[[str], ArtifactStore] | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        git_timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._store = store
        self._s3_store_for_bucket = s3_store_for_bucket
        self._max_bytes = max_bytes
        self._git_timeout_s = git_timeout_s

    def resolve(self, spec: str, *, ref: str | None = None) -> CodeSource:
        plan = plan_source(spec, ref=ref)
        if ref is not None and plan.kind != "git":
            raise InputError(f"--ref applies to git repositories only, and '{spec}' is not one")
        if plan.kind == "git":
            return GitRepositorySource(
                spec, ref=ref, max_bytes=self._max_bytes, timeout_s=self._git_timeout_s
            )
        if plan.kind == "archive":
            return ArchiveSource(plan.location, max_bytes=self._max_bytes, description=spec)
        if plan.kind == "folder":
            return self._folder(spec, Path(plan.location))
        return self._storage(spec, plan)

    def _folder(self, spec: str, path: Path) -> CodeSource:
        commit = head_commit(path) if (path / ".git").exists() else ""
        return LocalFolderSource(path, max_bytes=self._max_bytes, description=spec, commit=commit)

    def _storage(self, spec: str, plan: SourcePlan) -> CodeSource:
        store, prefix = self._s3(spec, plan.location) if plan.kind == "s3" else self._configured(spec, plan)
        try:
            return StorageSource(store, prefix, max_bytes=self._max_bytes, description=spec)
        except InvalidKeyError as exc:
            raise InputError(f"source '{spec}': {exc}") from None

    def _s3(self, spec: str, location: str) -> tuple[ArtifactStore, str]:
        bucket, _, prefix = location.partition("/")
        if not bucket:
            raise InputError(f"source '{spec}' names no bucket: use s3://bucket/prefix")
        if self._s3_store_for_bucket is None:
            raise InputError(f"source '{spec}' is on S3, and no S3 connection is configured")
        return self._s3_store_for_bucket(bucket), prefix

    def _configured(self, spec: str, plan: SourcePlan) -> tuple[ArtifactStore, str]:
        if self._store is None:
            raise InputError(f"source '{spec}' is in the artifact store, and none is configured")
        return self._store, plan.location
