from __future__ import annotations

import csv
import gzip
import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codemill.domain.errors import InputError
from codemill.infrastructure.datasets.tabular_file_reader import ArrowTabularReader
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore

DEVIGN = [
    {
        "project": "qemu",
        "commit_id": "a1",
        "target": 1,
        "func": "int f(char *s) {\n  char b[8];\n  strcpy(b, s);\n}",
    },
    {"project": "ffmpeg", "commit_id": "b2", "target": 0, "func": "void g(void) {\n  return;\n}"},
    {"project": "qemu", "commit_id": "c3", "target": 0, "func": "int h(int x) { return x * 2; } // ünï ✓"},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def reader() -> ArrowTabularReader:
    return ArrowTabularReader()


def test_jsonl_columns_and_selected_rows(reader: ArrowTabularReader, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "devign.jsonl", DEVIGN)
    assert reader.columns(str(path)) == ["project", "commit_id", "target", "func"]
    rows = list(reader.rows(str(path), ["func", "target"]))
    assert rows == [{"func": r["func"], "target": r["target"]} for r in DEVIGN]


def test_devign_json_array_file(reader: ArrowTabularReader, tmp_path: Path) -> None:
    path = tmp_path / "function.json"
    path.write_text(json.dumps(DEVIGN, indent=1), encoding="utf-8")
    assert reader.columns(str(path)) == ["project", "commit_id", "target", "func"]
    assert [r["target"] for r in reader.rows(str(path), ["func", "target"])] == [1, 0, 0]


def test_csv_keeps_multiline_code_and_reads_cells_as_text(reader: ArrowTabularReader, tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=["func", "target", "note"])
        writer.writeheader()
        writer.writerows({"func": r["func"], "target": r["target"], "note": ""} for r in DEVIGN)
    assert reader.columns(str(path)) == ["func", "target", "note"]
    rows = list(reader.rows(str(path), ["func", "target", "note"]))
    assert [r["func"] for r in rows] == [r["func"] for r in DEVIGN]
    assert [r["target"] for r in rows] == ["1", "0", "0"]
    assert rows[0]["note"] is None


def test_parquet_rows_stream_with_their_types(reader: ArrowTabularReader, tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(pa.Table.from_pylist(DEVIGN * 700), path, row_group_size=500)
    assert reader.columns(str(path)) == ["project", "commit_id", "target", "func"]
    rows = list(reader.rows(str(path), ["target"]))
    assert len(rows) == 2100
    assert rows[:3] == [{"target": 1}, {"target": 0}, {"target": 0}]


def test_compressed_jsonl(reader: ArrowTabularReader, tmp_path: Path) -> None:
    path = tmp_path / "devign.jsonl.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in DEVIGN).encode()))
    assert [r["project"] for r in reader.rows(str(path), ["project"])] == ["qemu", "ffmpeg", "qemu"]


def test_a_missing_column_names_the_available_ones(reader: ArrowTabularReader, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "devign.jsonl", DEVIGN)
    with pytest.raises(InputError) as info:
        reader.rows(str(path), ["code", "target"])
    message = str(info.value)
    assert "'code'" in message and "project, commit_id, target, func" in message
    assert str(path) in message


def test_missing_file_unknown_format_and_malformed_rows(reader: ArrowTabularReader, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        reader.columns(str(tmp_path / "absent.jsonl"))
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="unknown file format"):
        reader.columns(str(tmp_path / "notes.txt"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"func": "a", "target": 1}\n{"func": "b", "target": \n')
    with pytest.raises(InputError, match=r"cannot read .*bad\.jsonl"):
        list(reader.rows(str(bad), ["func"]))


def test_storage_locations_are_downloaded_first(tmp_path: Path) -> None:
    payload = "".join(json.dumps(r) + "\n" for r in DEVIGN).encode()
    store = LocalArtifactStore(tmp_path / "store")
    store.put("uploads/devign.jsonl", payload)
    buckets = {"labels": LocalArtifactStore(tmp_path / "bucket")}
    buckets["labels"].put("in/devign.jsonl", payload)
    reader = ArrowTabularReader(store, buckets.__getitem__)
    for location in ("store:uploads/devign.jsonl", "s3://labels/in/devign.jsonl"):
        assert reader.columns(location) == ["project", "commit_id", "target", "func"]
        assert [r["target"] for r in reader.rows(location, ["target"])] == [1, 0, 0]
        assert reader.fingerprint(location) == hashlib.sha256(payload).hexdigest()
    with pytest.raises(InputError, match="no such file in storage"):
        reader.columns("store:uploads/absent.jsonl")
    with pytest.raises(InputError, match="no storage"):
        ArrowTabularReader().columns("store:uploads/devign.jsonl")
