"""Port: a user's own labelled data file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol


class TabularReader(Protocol):
    """Reads JSONL, CSV or Parquet rows from a local path, `store:KEY` or `s3://bucket/key`.

    Contract: `columns` lists the file's columns; `rows` streams dicts with
    only the requested columns; a missing file, an unknown format or a missing
    column raises InputError with one line naming the file and the columns it
    has. `fingerprint` is the sha256 of the file's bytes, for lineage.
    """

    def columns(self, location: str) -> list[str]: ...

    def rows(self, location: str, columns: Sequence[str]) -> Iterator[dict[str, Any]]: ...

    def fingerprint(self, location: str) -> str: ...
