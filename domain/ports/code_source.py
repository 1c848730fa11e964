"""Ports: where code comes from."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from codemill.domain.sources import RawFile, SkippedFile


class CodeSource(Protocol):
    """One folder, repository, archive or storage prefix, read file by file.

    Contract: `iter_files` yields every regular file once, as a RawFile, or as
    a SkippedFile with its reason (never silently dropped, except the folders
    every source ignores: .git, vendored and generated trees, .gitignore'd
    paths); it never raises for one bad file; `close` removes anything the
    source created (a clone, an extracted temp folder) and may be called twice.
    """

    description: str  # what the user named, for stats and messages
    commit: str  # resolved commit SHA, '' when not a git source

    def iter_files(self) -> Iterator[RawFile | SkippedFile]: ...

    def close(self) -> None: ...


class SourceResolver(Protocol):
    """Turns what the user typed (a path, a URL, 'github:owner/name', 's3://...') into a CodeSource.

    Contract: raises codemill.domain.errors.InputError with a one-line message when the
    spec names nothing that exists or can be fetched.
    """

    def resolve(self, spec: str, *, ref: str | None = None) -> CodeSource: ...
