"""CodeSource over a zip or tar archive, read member by member without extracting."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from codemill.domain.errors import InputError
from codemill.domain.sources import RawFile, SkippedFile
from codemill.infrastructure.sources.archive_members import (
    MEMBER_ERRORS,
    Member,
    normalized_path,
    open_members,
    unsafe_reason,
)
from codemill.infrastructure.sources.local_folder_source import DEFAULT_MAX_BYTES
from codemill.infrastructure.sources.path_rules import HEAD_BYTES, TreeDirFilter, language_of

DEFAULT_MAX_TOTAL_BYTES = 2 << 30
DEFAULT_MAX_MEMBERS = 200_000


class _Capped(Exception):
    """The archive's total uncompressed size passed the cap."""


class ArchiveSource:
    """Every file inside a .zip, .tar, .tar.gz/.tgz, .tar.bz2/.tbz2 or .tar.xz/.txz archive.

    Contract: nothing is written to disk; no member is read beyond
    `max_bytes` + 1 bytes, whatever its header declares. Counted, never
    yielded: members whose name is absolute, has a '..' segment, a drive
    letter or a backslash ('unsafe_member'), symbolic and hard links ('link'),
    devices and fifos ('unsafe_member'), repeated names ('duplicate'),
    members over `max_bytes` ('too_large'), members that fail to decompress
    ('unreadable'), files in no language we parse ('unsupported_language').
    Past `max_members` entries or `max_total_bytes` uncompressed bytes the
    walk stops with one 'archive_limit' skip. Vendored and build folders are
    skipped as in a folder. An archive that cannot be opened or whose headers
    are corrupt raises InputError naming it.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
        max_members: int = DEFAULT_MAX_MEMBERS,
        description: str | None = None,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(f"archive '{path}' does not exist")
        self.description = description if description is not None else str(path)
        self.commit = ""
        self.max_bytes = max_bytes
        self.max_total_bytes = max_total_bytes
        self.max_members = max_members
        self._members = open_members(self.path)
        self._total = 0

    def iter_files(self) -> Iterator[RawFile | SkippedFile]:
        members, limit = self._members.scan(self.max_members, self.max_total_bytes)
        names = {normalized_path(m.name) for m in members if unsafe_reason(m.name) is None}
        dirs, seen = TreeDirFilter(names), set[str]()
        self._total = 0
        try:
            for member in members:
                outcome = self._member(member, dirs, seen)
                if outcome is not None:
                    yield outcome
        except _Capped:
            limit = f"more than {self.max_total_bytes} bytes uncompressed"
        if limit is not None:
            yield self._skip(".", "archive_limit", f"stopped after {limit}")

    def close(self) -> None:
        self._members.close()

    def _skip(self, path: str, reason: str, detail: str = "") -> SkippedFile:
        return SkippedFile(path=path, reason=reason, source=self.description, detail=detail)

    def _member(self, member: Member, dirs: TreeDirFilter, seen: set[str]) -> RawFile | SkippedFile | None:
        unsafe = unsafe_reason(member.name)
        if unsafe is not None:
            return self._skip(member.name, "unsafe_member", unsafe)
        path = normalized_path(member.name)
        if not path or member.kind == "dir" or dirs.excluded(path):
            return None
        if member.kind != "file":
            reason = "link" if member.kind == "link" else "unsafe_member"
            return self._skip(path, reason, f"{member.kind} member")
        if path in seen:
            return self._skip(path, "duplicate", "name repeated in the archive")
        seen.add(path)
        return self._file(path, member)

    def _file(self, path: str, member: Member) -> RawFile | SkippedFile:
        cache: list[bytes] = []
        try:
            language = language_of(path, lambda: self._content(member, cache))
            if language is None:
                return self._skip(path, "unsupported_language")
            if member.size > self.max_bytes:
                return self._skip(path, "too_large", f"{member.size} bytes > {self.max_bytes}")
            data = self._content(member, cache)
        except MEMBER_ERRORS as exc:
            return self._skip(path, "unreadable", str(exc))
        if len(data) > self.max_bytes:
            return self._skip(path, "too_large", f"more than {self.max_bytes} bytes")
        return RawFile(path=path, data=data, source=self.description)

    def _content(self, member: Member, cache: list[bytes]) -> bytes:
        """The member's bytes, read once: all of them (up to the cap + 1), or the head of an oversized one."""
        if not cache:
            limit = self.max_bytes + 1 if member.size <= self.max_bytes else HEAD_BYTES
            data = member.read(limit)
            self._total += len(data)
            if self._total > self.max_total_bytes:
                raise _Capped
            cache.append(data)
        return cache[0]
