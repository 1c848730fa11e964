"""PredictionRecords as an Arrow table with a fixed schema, and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from codemill.domain.prediction_record import PredictionRecord

COMPRESSION = "zstd"
SCHEMA = pa.schema(
    [
        pa.field("time", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("model", pa.string(), nullable=False),
        pa.field("version", pa.int64()),
        pa.field("fingerprint", pa.string(), nullable=False),
        pa.field("tokens", pa.int64(), nullable=False),
        pa.field("language", pa.string(), nullable=False),
        pa.field("complexity", pa.float64()),
        pa.field("oov_rate", pa.float64(), nullable=False),
        pa.field("label", pa.string()),
        pa.field("output_length", pa.int64()),
        pa.field("confidence", pa.float64()),
        pa.field("latency_ms", pa.float64()),
    ]
)
_FIELDS = [field.name for field in dataclasses.fields(PredictionRecord)]
assert SCHEMA.names == _FIELDS, "the Parquet schema must follow PredictionRecord"  # nosec B101  # an invariant for the type checker, not a security check


def encode(records: Sequence[PredictionRecord]) -> bytes:
    """One Parquet file (zstd) holding `records` in order."""
    columns: dict[str, list[object]] = {name: [] for name in _FIELDS}
    for record in records:
        for name in _FIELDS:
            columns[name].append(getattr(record, name))
    columns["time"] = [datetime.fromtimestamp(float(t), UTC) for t in columns["time"]]  # type: ignore[arg-type]
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pydict(columns, schema=SCHEMA), sink, compression=COMPRESSION)
    return bytes(sink.getvalue().to_pybytes())


def decode(data: bytes, *, since: float | None = None) -> list[PredictionRecord]:
    """The records of one file, those at or after `since` when given."""
    table = pq.read_table(pa.BufferReader(data), columns=_FIELDS).cast(SCHEMA)
    records = []
    for row in table.to_pylist():
        row["time"] = row["time"].timestamp()
        if since is None or row["time"] >= since:
            records.append(PredictionRecord(**row))
    return records
