"""PredictionLogStore on any ArtifactStore: one Parquet file per append, named by time."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from codemill.domain.errors import first_line
from codemill.domain.monitoring_layout import (
    MONITORING,
    PREDICTIONS,
    newest_time_of,
    prediction_file_key,
    predictions_prefix,
)
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.prediction_record import PredictionRecord
from codemill.infrastructure.monitoring.prediction_table import decode, encode

log = logging.getLogger("codemill.monitor")
_NAME_SECONDS = 1.0  # a file's name is its newest record's time floored to the second


class ParquetPredictionLogStore:
    """PredictionLogStore (see the port): `monitoring/NAME/predictions/YYYYMMDDTHHMMSS-<uuid>.parquet`.

    Each append is encoded in memory and written with one put, which the
    store makes atomic (temp file and rename locally, one PUT on S3), so a
    file is the unit: whole or absent. The uuid keeps the files of several
    server processes apart. Reading skips, by name alone, the files whose
    newest record is before `since`.
    """

    def __init__(self, store: ArtifactStore) -> None:
        self._store = store
        self.unreadable = 0

    def append(self, name: str, records: Sequence[PredictionRecord]) -> str:
        if not records:
            raise ValueError("append needs at least one record")
        newest = max(record.time for record in records)
        key = prediction_file_key(name, newest, uuid.uuid4().hex)
        self._store.put(key, encode(records))
        return key

    def read(self, name: str, *, since: float | None = None) -> list[PredictionRecord]:
        self.unreadable = 0
        records: list[PredictionRecord] = []
        for key in self._store.list(predictions_prefix(name)):
            newest = newest_time_of(key)
            if newest is None or (since is not None and newest + _NAME_SECONDS <= since):
                continue
            data = self._store.get(key)  # storage failing is the caller's to know: not caught
            try:
                records += decode(data, since=since)
            except Exception as exc:  # a foreign or damaged file must not hide the rest of the log
                log.warning("prediction log file %s cannot be read: %s", key, first_line(exc))
                self.unreadable += 1
        return records

    def names(self) -> list[str]:
        found = set()
        for key in self._store.list(f"{MONITORING}/"):
            parts = key.split("/")
            if len(parts) == 4 and parts[2] == PREDICTIONS:
                found.add(parts[1])
        return sorted(found)
