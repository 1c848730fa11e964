"""Zip and tar archives seen as one list of members, read in memory, never extracted."""

from __future__ import annotations

import lzma
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codemill.domain.errors import InputError

ZIP_SUFFIXES = (".zip",)
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
#: What can go wrong reading one member of an archive that opened fine.
MEMBER_ERRORS = (
    zipfile.BadZipFile,
    tarfile.TarError,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    RuntimeError,  # encrypted zip member
    NotImplementedError,  # unsupported zip compression
    ValueError,
)
_DRIVE = re.compile(r"^[A-Za-z]:")


def archive_format(path: str | Path) -> str | None:
    """'zip' or 'tar' from the file name, None when it is not an archive we read."""
    name = str(path).lower()
    if name.endswith(ZIP_SUFFIXES):
        return "zip"
    return "tar" if name.endswith(TAR_SUFFIXES) else None


@dataclass(frozen=True, slots=True)
class Member:
    """One archive entry: kind is 'file', 'dir', 'link' or 'special' (device, fifo)."""

    name: str
    kind: str
    size: int
    read: Callable[[int], bytes]  # at most N bytes of the content


def unsafe_reason(name: str) -> str | None:
    """Why a member name could escape an extraction folder, or None when it is safe."""
    if "\\" in name or "\x00" in name:
        return "backslash or NUL in name"
    if _DRIVE.match(name):
        return "drive letter"
    if name.startswith("/"):
        return "absolute path"
    return "'..' segment" if ".." in name.split("/") else None


def normalized_path(name: str) -> str:
    """'./a//b/' -> 'a/b'."""
    return "/".join(part for part in name.split("/") if part not in ("", "."))


def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if info.is_dir() or stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISLNK(mode):
        return "link"
    return "file" if stat.S_IFMT(mode) in (0, stat.S_IFREG) else "special"


def _tar_kind(info: tarfile.TarInfo) -> str:
    if info.isdir():
        return "dir"
    if info.issym() or info.islnk():
        return "link"
    return "file" if info.isreg() else "special"


class ZipMembers:
    """The entries of a zip file, from its central directory."""

    def __init__(self, path: Path) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InputError(f"archive '{path}' cannot be read as a zip file: {exc}") from None

    def scan(self, max_members: int, max_total: int) -> tuple[list[Member], str | None]:
        """Up to `max_members` entries; sizes are only declared, so `max_total` is enforced on reading."""
        infos = self._zip.infolist()
        members = [Member(i.filename, _zip_kind(i), i.file_size, self._reader(i)) for i in infos]
        limit = f"more than {max_members} members" if len(members) > max_members else None
        return members[:max_members], limit

    def _reader(self, info: zipfile.ZipInfo) -> Callable[[int], bytes]:
        def read(limit: int) -> bytes:
            with self._zip.open(info) as stream:
                return stream.read(limit)

        return read

    def close(self) -> None:
        self._zip.close()


class TarMembers:
    """The entries of a tar file, plain or compressed, walked header by header."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._scanned: tuple[list[Member], str | None] | None = None
        try:
            self._tar = tarfile.open(path, mode="r:*")  # noqa: SIM115 - closed by close()
        except (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            raise InputError(f"archive '{path}' cannot be read as a tar file: {exc}") from None

    def scan(self, max_members: int, max_total: int) -> tuple[list[Member], str | None]:
        """Entries until the end, or until `max_members` or `max_total` declared bytes are passed."""
        if self._scanned is None:
            self._scanned = self._scan(max_members, max_total)
        return self._scanned

    def _scan(self, max_members: int, max_total: int) -> tuple[list[Member], str | None]:
        members: list[Member] = []
        declared = 0
        while (info := self._next()) is not None:
            if len(members) >= max_members:
                return members, f"more than {max_members} members"
            declared += info.size if info.isreg() else 0
            if declared > max_total:
                return members, f"more than {max_total} bytes uncompressed"
            members.append(Member(info.name, _tar_kind(info), info.size, self._reader(info)))
        return members, None

    def _next(self) -> tarfile.TarInfo | None:
        try:
            return self._tar.next()
        except (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            raise InputError(f"archive '{self._path}' is corrupt: {exc}") from None

    def _reader(self, info: tarfile.TarInfo) -> Callable[[int], bytes]:
        def read(limit: int) -> bytes:
            stream = self._tar.extractfile(info)
            return stream.read(limit) if stream is not None else b""

        return read

    def close(self) -> None:
        self._tar.close()


def open_members(path: Path) -> ZipMembers | TarMembers:
    kind = archive_format(path)
    if kind is None:
        raise InputError(f"'{path}' is not a .zip, .tar, .tar.gz, .tgz, .tar.bz2 or .tar.xz archive")
    return ZipMembers(path) if kind == "zip" else TarMembers(path)
