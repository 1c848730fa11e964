"""TabularReader for JSONL, JSON, CSV/TSV and Parquet files on disk or in storage."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from codemill.domain.errors import ArtifactNotFoundError, InputError, first_line
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.datasets.tabular_formats import column_names, format_of, iter_rows

StoreForBucket = Callable[[str], ArtifactStore]
_KNOWN = ".jsonl, .json, .csv, .tsv or .parquet (text formats may end in .gz, .bz2, .zst)"


class ArrowTabularReader:
    """TabularReader with pyarrow's streaming readers.

    Contract (the port, plus):
    - a location is a local path, `store:KEY` (the configured store) or
      `s3://bucket/key`; a stored file is first copied to a temporary file,
      removed once its rows are read (or the stream is dropped);
    - the format comes from the suffix: `.jsonl`/`.ndjson`, `.json` (JSON
      lines, or one array of objects), `.csv`, `.tsv`, `.parquet`;
    - CSV/TSV cells come back as strings (None for empty cells); JSON and
      Parquet keep their types;
    - a missing column is reported before any row is read; a malformed file
      raises InputError naming it, even midway through the rows.
    """

    def __init__(self, store: ArtifactStore | None = None, s3_store_for_bucket: StoreForBucket | None = None):
        self._store = store
        self._s3_store_for_bucket = s3_store_for_bucket

    def columns(self, location: str) -> list[str]:
        fmt = _format(location)
        with self._local(location) as path:
            return _guarded(location, lambda: column_names(path, fmt))

    def rows(self, location: str, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
        fmt = _format(location)
        local = self._local(location)
        path = local.open()
        try:
            available = _guarded(location, lambda: column_names(path, fmt))
            missing = [c for c in columns if c not in available]
            if missing:
                raise InputError(
                    f"{location} has no column {', '.join(map(repr, missing))} "
                    f"(its columns: {', '.join(available) or 'none'})"
                )
        except BaseException:
            local.close()
            raise
        return _streamed(location, local, iter_rows(path, fmt, list(columns)))

    def fingerprint(self, location: str) -> str:
        with self._local(location) as path, path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()

    def _local(self, location: str) -> _LocalFile:
        if location.startswith("s3://"):
            bucket, _, key = location.removeprefix("s3://").partition("/")
            if self._s3_store_for_bucket is None or not bucket or not key:
                raise InputError(f"cannot read {location}: give s3://bucket/key with S3 storage configured")
            return _LocalFile(location, self._s3_store_for_bucket(bucket), key)
        if location.startswith("store:"):
            if self._store is None:
                raise InputError(f"cannot read {location}: no storage is configured")
            return _LocalFile(location, self._store, location.removeprefix("store:"))
        return _LocalFile(location, None, location)


class _LocalFile:
    """A local path for a location: the file itself, or a temporary copy of a stored object."""

    def __init__(self, location: str, store: ArtifactStore | None, key: str) -> None:
        self._location = location
        self._store = store
        self._key = key
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def open(self) -> Path:
        if self._store is None:
            path = Path(self._key).expanduser()
            if not path.is_file():
                raise InputError(f"cannot read {self._location}: no such file")
            return path
        self._folder = tempfile.TemporaryDirectory(prefix="codemill-table-")
        path = Path(self._folder.name) / PurePosixPath(self._key).name
        try:
            with self._store.open(self._key) as source, path.open("wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
        except ArtifactNotFoundError:
            self.close()
            raise InputError(f"cannot read {self._location}: no such file in storage") from None
        except BaseException:
            self.close()
            raise
        return path

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> Path:
        return self.open()

    def __exit__(self, *_: object) -> None:
        self.close()


_READ_ERRORS = (ValueError, TypeError, OSError, NotImplementedError)  # pyarrow's errors derive from these


def _streamed(location: str, local: _LocalFile, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    try:
        yield from rows
    except _READ_ERRORS as exc:
        raise InputError(f"cannot read {location}: {first_line(exc)}") from None
    finally:
        local.close()


def _guarded(location: str, read: Callable[[], list[str]]) -> list[str]:
    try:
        return read()
    except _READ_ERRORS as exc:
        raise InputError(f"cannot read {location}: {first_line(exc)}") from None


def _format(location: str) -> str:
    fmt = format_of(location.rsplit("/", 1)[-1])
    if fmt is None:
        raise InputError(f"cannot read {location}: unknown file format; use {_KNOWN}")
    return fmt
