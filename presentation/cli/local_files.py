"""Writing downloaded artifacts to the local disk without ever leaving a half file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO


def write_atomically(target: Path, stream: BinaryIO) -> int:
    """Copy `stream` to `target` through a temp file + fsync + rename; return bytes written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
            size = out.tell()
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return size


def files_under(folder: Path) -> list[Path]:
    """Regular files below `folder`, sorted, symbolic links not followed."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
