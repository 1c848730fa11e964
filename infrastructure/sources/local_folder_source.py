"""CodeSource over a folder on the local disk."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from codemill.domain.errors import InputError
from codemill.domain.sources import RawFile, SkippedFile
from codemill.infrastructure.sources.gitignore import GitIgnores
from codemill.infrastructure.sources.path_rules import HEAD_BYTES, is_skipped_dir, join, language_of

DEFAULT_MAX_BYTES = 1_000_000

# A pending step of the walk: a folder to list, or an entry of a listed folder.
_Pending = tuple[str, os.DirEntry[str] | None, GitIgnores]


class LocalFolderSource:
    """Every file under `root`, depth first in sorted name order.

    Contract: never follows a symbolic link (a linked file or folder is counted
    as 'link'); skips version-control, vendored and build folders
    (path_rules) and whatever the .gitignore files at every level ignore,
    silently; yields a file in a language we parse as a RawFile whose `path`
    is relative and '/'-separated; counts the rest: 'unsupported_language',
    'too_large' (decided from its size, without reading it), 'unreadable',
    'special_file' (fifos, sockets, devices).
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        description: str | None = None,
        commit: str = "",
    ) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise InputError(f"source '{root}' is not a folder")
        self.description = description if description is not None else str(root)
        self.commit = commit
        self.max_bytes = max_bytes

    def iter_files(self) -> Iterator[RawFile | SkippedFile]:
        stack: list[_Pending] = [("", None, GitIgnores())]
        while stack:
            rel, entry, ignores = stack.pop()
            if entry is None:
                listed = self._list(rel, ignores)
                if isinstance(listed, SkippedFile):
                    yield listed
                else:
                    stack.extend(reversed(listed))
            elif entry.is_symlink():
                yield from self._link(rel, ignores)
            elif entry.is_dir():
                if not is_skipped_dir(rel, self._exists) and not ignores.ignored(rel, is_dir=True):
                    stack.append((rel, None, ignores))
            elif not ignores.ignored(rel, is_dir=False):
                yield self._file(rel, entry)

    def close(self) -> None:
        """Nothing to remove: the folder is the user's."""

    def _exists(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def _list(self, rel: str, ignores: GitIgnores) -> list[_Pending] | SkippedFile:
        folder = self.root / rel if rel else self.root
        inner = ignores.entering(folder, rel)
        try:
            with os.scandir(folder) as entries:
                ordered = sorted(entries, key=lambda entry: entry.name)
        except OSError as exc:
            return self._skip(rel or ".", "unreadable", str(exc.strerror or exc))
        return [(join(rel, entry.name), entry, inner) for entry in ordered]

    def _link(self, rel: str, ignores: GitIgnores) -> Iterator[SkippedFile]:
        if not ignores.ignored(rel, is_dir=False):
            yield self._skip(rel, "link", "symbolic link not followed")

    def _skip(self, rel: str, reason: str, detail: str = "") -> SkippedFile:
        return SkippedFile(path=rel, reason=reason, source=self.description, detail=detail)

    def _file(self, rel: str, entry: os.DirEntry[str]) -> RawFile | SkippedFile:
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                return self._skip(rel, "special_file")
            if language_of(rel, lambda: self._read(entry.path, HEAD_BYTES)) is None:
                return self._skip(rel, "unsupported_language")
            if info.st_size > self.max_bytes:
                return self._skip(rel, "too_large", f"{info.st_size} bytes > {self.max_bytes}")
            data = self._read(entry.path, self.max_bytes + 1)
        except OSError as exc:
            return self._skip(rel, "unreadable", str(exc.strerror or exc))
        if len(data) > self.max_bytes:
            return self._skip(rel, "too_large", f"more than {self.max_bytes} bytes")
        return RawFile(path=rel, data=data, source=self.description, commit=self.commit)

    @staticmethod
    def _read(path: str, limit: int) -> bytes:
        with open(path, "rb") as stream:
            return stream.read(limit)
