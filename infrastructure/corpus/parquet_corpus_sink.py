"""An open corpus being written as Parquet shards, published by its manifest."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.domain.corpus import Rejection, UnitRecord
from codemill.domain.manifest import Manifest, ManifestEntry
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.corpus.parquet_shards import encode_shard, shard_path
from codemill.infrastructure.corpus.record_schema import SCHEMA_VERSION, records_table, rejected_table
from codemill.infrastructure.versions import package_version

DATA_FOLDER = "data"
REJECTED_FOLDER = "rejected"
STATS_NAME = "stats.json"
CORPUS_KIND = "corpus"


class ParquetCorpusSink:
    """CorpusSink writing zstd Parquet shards through an ArtifactWriter.

    Contract (the CorpusSink port, plus): at most `shard_rows` kept records and
    `shard_rows` rejected ones are buffered; a full buffer becomes the next
    `data/shard-NNNNN.parquet` or `rejected/shard-NNNNN.parquet`; `adopt` lists
    shards a collection worker wrote under the corpus itself. `publish`
    flushes both buffers (a corpus always has at least one data shard, empty
    if need be), writes the extra artifacts and `stats.json`, then the
    manifest. `abort` deletes everything written under the corpus prefix.
    After either, the sink refuses further calls.
    """

    def __init__(self, store: ArtifactStore, writer: ArtifactWriter, *, name: str, shard_rows: int) -> None:
        if shard_rows < 1:
            raise ValueError(f"shard_rows must be at least 1, got {shard_rows}")
        self._store, self._writer, self._name, self._shard_rows = store, writer, name, shard_rows
        self._records: list[UnitRecord] = []
        self._rejected: list[tuple[UnitRecord, Rejection]] = []
        self._shards = {DATA_FOLDER: 0, REJECTED_FOLDER: 0}
        self._units = 0
        self._reasons: Counter[str] = Counter()
        self._closed = False

    def add(self, record: UnitRecord) -> None:
        self._ensure_open()
        self._records.append(record)
        self._units += 1
        if len(self._records) >= self._shard_rows:
            self._flush_records()

    def reject(self, record: UnitRecord, rejection: Rejection) -> None:
        self._ensure_open()
        self._rejected.append((record, rejection))
        self._reasons[rejection.reason] += 1
        if len(self._rejected) >= self._shard_rows:
            self._flush_rejected()

    def adopt(self, entries: Sequence[ManifestEntry], *, units: int, rejected: Mapping[str, int]) -> None:
        self._ensure_open()
        for entry in entries:
            folder = entry.path.split("/", 1)[0]
            if folder not in self._shards:
                raise ValueError(f"'{entry.path}' is not a data or rejected shard")
            self._writer.adopt(entry)
            self._shards[folder] += 1
        self._units += units
        self._reasons.update(rejected)

    def publish(
        self,
        stats: Mapping[str, Any],
        *,
        extra_artifacts: Mapping[str, bytes] | None = None,
        config_hash: str = "",
        tool_versions: Mapping[str, str] | None = None,
        lineage: Mapping[str, str] | None = None,
    ) -> Manifest:
        self._ensure_open()
        if self._records or self._shards[DATA_FOLDER] == 0:
            self._flush_records()
        if self._rejected:
            self._flush_rejected()
        for path, payload in (extra_artifacts or {}).items():
            _check_extra_path(path)
            self._writer.write(path, payload)
        self._writer.write(STATS_NAME, json.dumps(dict(stats), indent=2, sort_keys=True) + "\n")
        manifest = self._writer.publish(
            config_hash=config_hash,
            code_version=package_version("codemill"),
            tool_versions={"pyarrow": pa.__version__, **(tool_versions or {})},
            metadata={**self._metadata(), **dict(lineage or {})},
        )
        self._closed = True
        return manifest

    def abort(self) -> None:
        self._closed = True
        self._records.clear()
        self._rejected.clear()
        self._store.delete_prefix(self._writer.prefix)

    def _flush_records(self) -> None:
        self._write_shard(DATA_FOLDER, encode_shard(records_table(self._records)))
        self._records.clear()

    def _flush_rejected(self) -> None:
        self._write_shard(REJECTED_FOLDER, encode_shard(rejected_table(self._rejected)))
        self._rejected.clear()

    def _write_shard(self, folder: str, payload: bytes) -> None:
        self._writer.write(shard_path(folder, self._shards[folder]), payload)
        self._shards[folder] += 1

    def _metadata(self) -> dict[str, Any]:
        return {
            "name": self._name,
            "schema_version": SCHEMA_VERSION,
            "units": self._units,
            "rejected": sum(self._reasons.values()),
            "rejected_by_reason": dict(sorted(self._reasons.items())),
            "data_shards": self._shards[DATA_FOLDER],
            "rejected_shards": self._shards[REJECTED_FOLDER],
            "shard_rows": self._shard_rows,
        }

    def _ensure_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"corpus '{self._name}' was already published or aborted")


def _check_extra_path(path: str) -> None:
    head = path.split("/", 1)[0]
    if path == STATS_NAME or head in (DATA_FOLDER, REJECTED_FOLDER):
        raise ValueError(f"extra artifact '{path}' would overwrite the corpus's own files")
