"""Column names and row streams of JSON lines, JSON arrays, CSV/TSV and Parquet files, with pyarrow."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

_BLOCK = 16 << 20  # bytes per block: one code sample may be a long line
_ROWS = 1_000
_COMPRESSED = (".gz", ".bz2", ".zst", ".lz4")
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv"}
FORMATS |= {".parquet": "parquet", ".pq": "parquet"}


def format_of(name: str) -> str | None:
    """The format named by a file's suffix ('x.jsonl.gz' is JSON lines), or None."""
    lowered = name.lower()
    for suffix in _COMPRESSED:
        if lowered.endswith(suffix) and not lowered.endswith((".parquet" + suffix, ".pq" + suffix)):
            lowered = lowered.removesuffix(suffix)
    return next((fmt for suffix, fmt in FORMATS.items() if lowered.endswith(suffix)), None)


def column_names(path: Path, fmt: str) -> list[str]:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    if fmt == "json" and _is_json_array(path):
        return list(dict.fromkeys(key for row in _json_array(path) for key in row))
    return list(_text_reader(path, fmt, None).schema.names)


def iter_rows(path: Path, fmt: str, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Rows with only `columns`, a batch in memory at a time (a JSON array is read whole)."""
    if fmt == "json" and _is_json_array(path):
        for row in _json_array(path):
            yield {column: row.get(column) for column in columns}
        return
    if fmt == "parquet":
        import pyarrow.parquet as pq

        batches: Any = pq.ParquetFile(path).iter_batches(batch_size=_ROWS, columns=list(columns))
    else:
        batches = _text_reader(path, fmt, columns)
    for batch in batches:
        yield from batch.select(list(columns)).to_pylist()


def _text_reader(path: Path, fmt: str, columns: Sequence[str] | None) -> Any:
    import pyarrow as pa

    stream = pa.input_stream(str(path))  # decompresses by suffix
    if fmt in ("jsonl", "json"):
        import pyarrow.json as pj

        return pj.open_json(stream, read_options=pj.ReadOptions(block_size=_BLOCK))
    import pyarrow.csv as pc

    parse = pc.ParseOptions(delimiter="\t" if fmt == "tsv" else ",", newlines_in_values=True)
    convert = pc.ConvertOptions(
        include_columns=list(columns or ()),
        column_types=dict.fromkeys(columns or (), pa.string()),  # CSV cells are text
        strings_can_be_null=True,
    )
    return pc.open_csv(
        stream, read_options=pc.ReadOptions(block_size=_BLOCK), parse_options=parse, convert_options=convert
    )


def _is_json_array(path: Path) -> bool:
    import pyarrow as pa

    with pa.input_stream(str(path)) as stream:
        head: bytes = stream.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"[")


def _json_array(path: Path) -> list[dict[str, Any]]:
    import pyarrow as pa

    with pa.input_stream(str(path)) as stream:
        rows = json.loads(stream.read())
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValueError("a JSON array file must hold a list of objects")
    return rows
