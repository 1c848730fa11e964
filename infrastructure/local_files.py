"""Local files written whole or not at all: temp file beside the target, fsync, rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_COPY_CHUNK = 1 << 20


def write_atomically(path: Path, data: bytes) -> None:
    with atomic_file(path) as out:
        out.write(data)


def copy_atomically(target: Path, stream: BinaryIO) -> int:
    """Copy `stream` into `target` whole or not at all; return the bytes written."""
    with atomic_file(target) as out:
        shutil.copyfileobj(stream, out, _COPY_CHUNK)
        return out.tell()


@contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """A temp file beside `target`, fsynced and renamed over it only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".partial-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def files_under(folder: Path) -> list[Path]:
    """Regular files below `folder`, sorted, symbolic links not followed."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
