"""The prediction log as Parquet files on a real local store: one atomic file per append, read by window."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from codemill.domain.prediction_record import PredictionRecord
from codemill.infrastructure.monitoring.parquet_prediction_log_store import ParquetPredictionLogStore
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
from tests.support.recording_store import RecordingStore

T0 = 1_750_000_000.0


def _record(at: float, **changes: object) -> PredictionRecord:
    fields: dict[str, object] = dict(
        time=at,
        model="kinds",
        version=3,
        fingerprint="sha-3",
        tokens=42,
        language="python",
        complexity=2.0,
        oov_rate=0.0,
        label="python",
        output_length=None,
        confidence=0.93,
        latency_ms=12.5,
    )
    return PredictionRecord(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> RecordingStore:
    return RecordingStore(LocalArtifactStore(root=str(tmp_path / "store")))


def test_each_append_is_one_put_of_a_parquet_file_named_by_its_newest_record(
    store: RecordingStore, tmp_path: Path
) -> None:
    logs = ParquetPredictionLogStore(store)
    records = [
        _record(T0 + 0.25),
        _record(T0 + 1.5, version=None, complexity=None, label=None, output_length=7, confidence=None),
    ]
    key = logs.append("kinds", records)
    assert store.puts == [key]
    assert key.startswith("monitoring/kinds/predictions/20250615T150641-") and key.endswith(".parquet")
    table = pq.read_table(tmp_path / "store" / key)
    assert table.column_names[:4] == ["time", "model", "version", "fingerprint"]
    assert str(table.schema.field("time").type) == "timestamp[us, tz=UTC]"
    assert logs.read("kinds") == records  # nulls survive, times to the microsecond
    assert logs.names() == ["kinds"]


def test_read_keeps_the_window_and_skips_older_files_by_name(store: RecordingStore) -> None:
    logs = ParquetPredictionLogStore(store)
    for hour in range(4):
        logs.append("kinds", [_record(T0 + hour * 3_600 + s) for s in (0.0, 10.0)])
    logs.append("names", [_record(T0, model="names")])
    opened: list[str] = []
    original = store.open
    store.open = lambda key: opened.append(key) or original(key)  # type: ignore[method-assign]
    window = logs.read("kinds", since=T0 + 2 * 3_600 + 5)
    assert [r.time for r in window] == [T0 + 2 * 3_600 + 10, T0 + 3 * 3_600, T0 + 3 * 3_600 + 10]
    assert len(opened) == 2  # the files of hours 0 and 1 end before the window: not read
    assert [len(logs.read(name)) for name in logs.names()] == [8, 1]


def test_a_damaged_file_is_skipped_and_counted_not_fatal(store: RecordingStore) -> None:
    logs = ParquetPredictionLogStore(store)
    logs.append("kinds", [_record(T0)])
    store.put(f"monitoring/kinds/predictions/20250615T160000-{'a' * 32}.parquet", b"not parquet")
    store.put("monitoring/kinds/predictions/README.txt", b"left by someone")
    assert len(logs.read("kinds")) == 1 and logs.unreadable == 1
