"""ShardStaging on an ArtifactStore: staged Parquet records and JSON completion records per shard."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from codemill.application.collection.shards import ShardDecisions, ShardOutcome, UnitDecision
from codemill.domain.corpus import UnitRecord
from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from codemill.domain.keys import join_key
from codemill.domain.manifest import ManifestEntry
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.corpus.parquet_corpus_sink import DATA_FOLDER, REJECTED_FOLDER
from codemill.infrastructure.corpus.parquet_shards import encode_shard, shard_path
from codemill.infrastructure.corpus.record_schema import RECORD_SCHEMA, REJECTED_SCHEMA, records_table
from codemill.infrastructure.corpus.shard_outcomes import decode_outcome, encode_outcome

_CLUSTER = "cluster_id"


class ParquetShardStaging:
    """ShardStaging under `staging` of a store; publishes into the corpus prefix `corpus` of the same store.

    Layout: `shards/NNNNNN-KEY.parquet` (the shard's records, every unit, in
    order) and `shards/NNNNNN-KEY.json` (its outcome and the records'
    sha256), the JSON written after the Parquet. `publish` checks the staged
    records against that sha256 and their count against the decisions
    (IntegrityError otherwise), then writes `data/shard-NNNNN.parquet` (kept
    units, with their cluster ids) and `rejected/shard-NNNNN.parquet` (the
    rest, with their reasons), each only when it has rows. Picklable when
    its store is.
    """

    def __init__(self, store: ArtifactStore, *, staging: str, corpus: str) -> None:
        self._store = store
        self._staging = join_key(staging)
        self._corpus = join_key(corpus)
        self._written: dict[int, str] = {}  # this process's staged shards: index -> sha256

    def write(self, index: int, key: str, records: Sequence[UnitRecord]) -> None:
        payload = encode_shard(records_table(records))
        self._store.put(self._path(index, key, "parquet"), payload)
        self._written[index] = hashlib.sha256(payload).hexdigest()

    def complete(self, outcome: ShardOutcome) -> None:
        digest = self._written.pop(outcome.index)
        self._store.put(
            self._path(outcome.index, outcome.key, "json"), encode_outcome(outcome, records_sha256=digest)
        )

    def completed(self, index: int, key: str) -> ShardOutcome | None:
        try:
            outcome, _ = decode_outcome(self._store.get(self._path(index, key, "json")))
        except (ArtifactNotFoundError, ValueError, KeyError, TypeError, json.JSONDecodeError):
            return None
        return outcome if (outcome.index, outcome.key) == (index, key) else None

    def publish(self, decisions: ShardDecisions) -> tuple[ManifestEntry, ...]:
        table = self._staged(decisions)
        kept = [i for i, decision in enumerate(decisions.decisions) if decision.reason is None]
        rejected = [i for i, decision in enumerate(decisions.decisions) if decision.reason is not None]
        entries = []
        if kept:
            entries.append(self._write(DATA_FOLDER, decisions.index, _kept(table, kept, decisions.decisions)))
        if rejected:
            rows = _rejected(table, rejected, decisions.decisions)
            entries.append(self._write(REJECTED_FOLDER, decisions.index, rows))
        return tuple(entries)

    def clear(self) -> None:
        self._store.delete_prefix(self._staging + "/")

    def _staged(self, decisions: ShardDecisions) -> pa.Table:
        where = f"staged shard {decisions.index}"
        try:
            outcome = self._store.get(self._path(decisions.index, decisions.key, "json"))
            _, digest = decode_outcome(outcome)
            data = self._store.get(self._path(decisions.index, decisions.key, "parquet"))
        except (ArtifactNotFoundError, ValueError, KeyError, TypeError) as exc:
            raise IntegrityError(
                f"{where} is missing or unreadable ({exc}); collect again without --resume"
            ) from exc
        if hashlib.sha256(data).hexdigest() != digest:
            raise IntegrityError(
                f"{where} does not match its completion record; collect again without --resume"
            )
        table = pq.read_table(pa.BufferReader(data)).cast(RECORD_SCHEMA)
        if table.num_rows != len(decisions.decisions):
            raise IntegrityError(
                f"{where} holds {table.num_rows} units, {len(decisions.decisions)} were decided"
            )
        return table

    def _write(self, folder: str, index: int, table: pa.Table) -> ManifestEntry:
        path = shard_path(folder, index)
        payload = encode_shard(table)
        self._store.put(join_key(self._corpus, path), payload)
        return ManifestEntry(path=path, sha256=hashlib.sha256(payload).hexdigest(), size=len(payload))

    def _path(self, index: int, key: str, suffix: str) -> str:
        return join_key(self._staging, "shards", f"{index:06d}-{key}.{suffix}")


def _kept(table: pa.Table, rows: list[int], decisions: Sequence[UnitDecision]) -> pa.Table:
    return _with_clusters(table.take(rows), rows, decisions).cast(RECORD_SCHEMA)


def _rejected(table: pa.Table, rows: list[int], decisions: Sequence[UnitDecision]) -> pa.Table:
    picked = _with_clusters(table.take(rows), rows, decisions)
    chosen = [decisions[i] for i in rows]
    picked = picked.append_column("reason", pa.array([d.reason for d in chosen], pa.string()))
    picked = picked.append_column("duplicate_of", pa.array([d.duplicate_of for d in chosen], pa.string()))
    picked = picked.append_column("detail", pa.array([d.detail for d in chosen], pa.string()))
    return picked.cast(REJECTED_SCHEMA)


def _with_clusters(table: pa.Table, rows: list[int], decisions: Sequence[UnitDecision]) -> pa.Table:
    column = table.schema.get_field_index(_CLUSTER)
    clusters = pa.array([decisions[i].cluster_id for i in rows], pa.string())
    return table.set_column(column, RECORD_SCHEMA.field(_CLUSTER), clusters)
