"""ArtifactStore on a local folder, with atomic writes."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from codemill.domain.errors import ArtifactNotFoundError, StorageError
from codemill.domain.keys import validate_key, validate_prefix
from codemill.domain.ports.artifact_store import ArtifactStore, ObjectInfo

TEMP_MARKER = ".codemill-tmp-"
_FOLDER_ATTEMPTS = 5


class LocalArtifactStore(ArtifactStore):
    """Objects are files under `root`; a key's segments are folders.

    `put` writes a temp file beside the target, fsyncs it, renames it over the
    target and fsyncs the folder: a crash leaves the old file or the new one,
    and at worst a stray temp file that listing ignores. `create` writes the
    same complete temp file and hard-links it to the key, which fails when
    the key exists: atomic against every thread and process of the machine
    (on a network file system only as far as its `link` is atomic).
    """

    conditional_writes = True

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser().resolve()
        self.location = self.root.as_uri()

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        target = self._path(key)
        temp = self._complete_temp(key, target, data)
        try:
            os.replace(temp, target)
            _fsync_dir(target.parent)
        except OSError as exc:
            raise StorageError(f"cannot write {key!r} under {self.root}: {exc.strerror}") from exc
        finally:
            Path(temp).unlink(missing_ok=True)

    def create(self, key: str, data: bytes) -> bool:
        """A complete temp file, hard-linked to the key: `link` refuses an existing target, atomically."""
        target = self._path(key)
        if target.is_dir():
            raise StorageError(f"{key!r} is a folder, not an object")
        temp = self._complete_temp(key, target, data)
        try:
            os.link(temp, target)
        except FileExistsError:
            return False
        except OSError as exc:
            raise StorageError(
                f"cannot create {key!r} under {self.root}: {exc.strerror} "
                "(creating an object needs a file system with hard links)"
            ) from exc
        finally:
            Path(temp).unlink(missing_ok=True)
        _fsync_dir(target.parent)
        return True

    def _complete_temp(self, key: str, target: Path, data: bytes | BinaryIO) -> str:
        """A temp file beside `target` holding all of `data`, fsynced; removed again on failure."""
        fd, temp = self._temp_file(key, target)
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes | bytearray | memoryview):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
        except BaseException as exc:
            Path(temp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise StorageError(f"cannot write {key!r} under {self.root}: {exc.strerror}") from exc
            raise
        return temp

    def _temp_file(self, key: str, target: Path) -> tuple[int, str]:
        for _ in range(_FOLDER_ATTEMPTS):  # a concurrent delete may prune the folder just made
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                return tempfile.mkstemp(prefix=TEMP_MARKER, dir=target.parent)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise StorageError(f"cannot write {key!r} under {self.root}: {exc.strerror}") from exc
        raise StorageError(f"cannot write {key!r} under {self.root}: its folder keeps disappearing")

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        try:
            return path.open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ArtifactNotFoundError(f"no artifact {key!r} in {self.location}") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            return
        except IsADirectoryError:
            raise StorageError(f"{key!r} is a folder, not an object") from None
        self._prune_empty_parents(path.parent)

    def _prune_empty_parents(self, folder: Path) -> None:
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent

    def list_objects(self, prefix: str = "") -> Iterator[ObjectInfo]:
        validate_prefix(prefix)
        head, _, _ = prefix.rpartition("/")
        start = self.root.joinpath(*head.split("/")) if head else self.root
        if not start.is_dir():
            return
        found: list[ObjectInfo] = []
        for folder, dirs, files in os.walk(start):
            dirs.sort()
            rel = Path(folder).relative_to(self.root).as_posix()
            base = "" if rel == "." else rel + "/"
            for name in files:
                key = base + name
                if name.startswith(TEMP_MARKER) or not key.startswith(prefix):
                    continue
                try:
                    found.append(ObjectInfo(key=key, size=os.stat(os.path.join(folder, name)).st_size))
                except FileNotFoundError:
                    continue
        found.sort(key=lambda info: info.key)
        yield from found


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
