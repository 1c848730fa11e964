"""Port: where logged predictions are appended and read back for drift monitoring."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from codemill.domain.prediction_record import PredictionRecord


class PredictionLogStore(Protocol):
    """Logged predictions of one monitored model, by name, under `monitoring/NAME/predictions/`.

    Contract: `append` writes the records as one new file with one atomic
    put (a reader sees all of them or none), named by its newest record's
    time so that files sort by time, and never touches earlier files; it
    raises StorageError (or OSError) when storage fails, and leaves nothing
    behind then. `read` returns the records of every file, oldest file first,
    at or after `since` (seconds since the epoch; None: all), skipping files
    whose name says they end before it; a file it cannot read is skipped,
    logged and counted in `unreadable`, never fatal. `names` lists the
    models that have a log.
    """

    unreadable: int

    def append(self, name: str, records: Sequence[PredictionRecord]) -> str:
        """Write `records` (at least one) as a new file; returns its key."""
        ...

    def read(self, name: str, *, since: float | None = None) -> list[PredictionRecord]: ...

    def names(self) -> list[str]: ...
