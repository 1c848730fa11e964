"""Corpora as sharded Parquet under `corpora/NAME/`, readable only once published."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import pyarrow as pa

from codemill.application.publishing.artifacts import ArtifactWriter, read_manifest
from codemill.domain.corpus import Rejection, UnitRecord
from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from codemill.domain.keys import join_key
from codemill.domain.manifest import Manifest
from codemill.domain.names import NAME_PATTERN
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.corpus.parquet_corpus_sink import (
    CORPUS_KIND,
    DATA_FOLDER,
    REJECTED_FOLDER,
    STATS_NAME,
    ParquetCorpusSink,
)
from codemill.infrastructure.corpus.parquet_shard_staging import ParquetShardStaging
from codemill.infrastructure.corpus.parquet_shards import decode_shard
from codemill.infrastructure.corpus.record_schema import (
    RECORD_SCHEMA,
    REJECTED_SCHEMA,
    SCHEMA_VERSION,
    row_to_record,
    row_to_rejection,
)
from codemill.infrastructure.storage.published_names import named_prefix, published_names

T = TypeVar("T")


class ParquetCorpusRepository:
    """CorpusRepository on any ArtifactStore.

    Layout under `PREFIX/NAME/`: `data/shard-NNNNN.parquet`, `rejected/shard-NNNNN.parquet`,
    `stats.json`, extra artifacts, and `manifest.json` written last (kind 'corpus').
    Contract (the port, plus):
    - a name is 1-100 ASCII letters, digits, '.', '-' or '_', starting with a
      letter or digit; anything else raises InputError;
    - `create` unpublishes the corpus of that name, then deletes everything
      under its prefix, so a rewritten corpus never mixes in old shards;
    - every read goes through the manifest: a shard or artifact is checked
      against its sha256 before it is used (IntegrityError naming it), and an
      unpublished corpus raises ArtifactNotFoundError;
    - records stream shard by shard; memory holds one shard at a time.
    """

    def __init__(self, store: ArtifactStore, *, shard_rows: int = 10_000, prefix: str = "corpora") -> None:
        self._store = store
        self._shard_rows = shard_rows
        self._root = join_key(prefix)

    def create(self, name: str) -> ParquetCorpusSink:
        prefix = self._prefix(name)
        writer = ArtifactWriter(self._store, prefix, kind=CORPUS_KIND)
        self._store.delete_prefix(prefix)
        return ParquetCorpusSink(self._store, writer, name=name, shard_rows=self._shard_rows)

    def staging(self, name: str) -> ParquetShardStaging:
        """Where collection workers stage the shards of corpus `name` (under `staging/`, never listed)."""
        prefix = self._prefix(name)
        return ParquetShardStaging(self._store, staging=join_key("staging", prefix), corpus=prefix)

    def names(self) -> list[str]:
        return published_names(self._store, self._root, NAME_PATTERN)

    def manifest(self, name: str) -> Manifest:
        try:
            manifest = read_manifest(self._store, self._prefix(name))
        except ArtifactNotFoundError:
            raise ArtifactNotFoundError(f"corpus '{name}' does not exist or was never completed") from None
        if manifest.kind != CORPUS_KIND:
            raise IntegrityError(f"'{self._prefix(name)}' holds a {manifest.kind!r}, not a corpus")
        version = manifest.metadata.get("schema_version")
        if version != SCHEMA_VERSION:
            raise IntegrityError(
                f"corpus '{name}' has schema version {version!r}; this codemill reads {SCHEMA_VERSION}"
            )
        return manifest

    def stats(self, name: str) -> dict[str, Any]:
        stats = json.loads(self.read_artifact(name, STATS_NAME))
        if not isinstance(stats, dict):
            raise IntegrityError(f"corpus '{name}': {STATS_NAME} is not a JSON object")
        return stats

    def read_artifact(self, name: str, path: str) -> bytes:
        return self._verified(name, self.manifest(name), path)

    def iter_records(self, name: str, *, rejected: bool = False) -> Iterator[UnitRecord]:
        if rejected:
            return (record for record, _ in self.iter_rejections(name))
        return self._iter_rows(name, DATA_FOLDER, row_to_record)

    def iter_rejections(self, name: str) -> Iterator[tuple[UnitRecord, Rejection]]:
        """The rejected units with why each was left out, shard by shard."""
        return self._iter_rows(name, REJECTED_FOLDER, _record_and_rejection)

    def _iter_rows(self, name: str, folder: str, convert: Callable[[Mapping[str, Any]], T]) -> Iterator[T]:
        manifest = self.manifest(name)  # eagerly: a missing corpus fails at the call
        shards = sorted(e.path for e in manifest.entries if e.path.startswith(folder + "/"))
        schema = REJECTED_SCHEMA if folder == REJECTED_FOLDER else RECORD_SCHEMA

        def rows() -> Iterator[T]:
            for path in shards:
                data = self._verified(name, manifest, path)
                for batch in _decoded(name, path, data, schema, convert):
                    yield from batch

        return rows()

    def _verified(self, name: str, manifest: Manifest, path: str) -> bytes:
        entry = manifest.entry(path)
        if entry is None:
            raise ArtifactNotFoundError(f"corpus '{name}' has no artifact '{path}'")
        try:
            data = self._store.get(join_key(self._prefix(name), path))
        except ArtifactNotFoundError:
            raise IntegrityError(
                f"corpus '{name}': '{path}' is listed in its manifest but missing; collect it again"
            ) from None
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise IntegrityError(
                f"corpus '{name}': '{path}' does not match its manifest checksum; collect it again"
            )
        return data

    def _prefix(self, name: str) -> str:
        return named_prefix(self._root, name, what="corpus")


def _decoded(
    name: str, path: str, data: bytes, schema: pa.Schema, convert: Callable[[Mapping[str, Any]], T]
) -> Iterator[list[T]]:
    """Each batch of a verified shard, converted; a malformed shard raises IntegrityError naming it."""
    batches = decode_shard(data, schema)
    while True:
        try:
            rows = next(batches, None)
            if rows is None:
                return
            converted = [convert(row) for row in rows]
        except (ValueError, TypeError, KeyError, OSError, NotImplementedError) as exc:
            raise IntegrityError(f"corpus '{name}': '{path}' is not a readable corpus shard: {exc}") from exc
        yield converted


def _record_and_rejection(row: Mapping[str, Any]) -> tuple[UnitRecord, Rejection]:
    return row_to_record(row), row_to_rejection(row)
