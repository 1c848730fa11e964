"""Shards: bounded Parquet files serialised to and read from bytes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSION = "zstd"
READ_BATCH_ROWS = 1024


def shard_path(folder: str, index: int) -> str:
    return f"{folder}/shard-{index:05d}.parquet"


def encode_shard(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=COMPRESSION)
    return bytes(sink.getvalue().to_pybytes())


def decode_shard(data: bytes, schema: pa.Schema) -> Iterator[list[dict[str, Any]]]:
    """The shard's rows, a batch at a time, cast to `schema` (column order and types)."""
    parquet = pq.ParquetFile(pa.BufferReader(data))
    for batch in parquet.iter_batches(batch_size=READ_BATCH_ROWS, columns=schema.names):
        table = pa.Table.from_batches([batch]).cast(schema)
        yield table.to_pylist()
