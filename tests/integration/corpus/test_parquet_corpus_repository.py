from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import BinaryIO

import pyarrow.parquet as pq
import pytest

from codemill.application.publishing.artifacts import ArtifactWriter, verify_manifest
from codemill.domain.code import CodeUnit, Language, UnitKind
from codemill.domain.corpus import QualityMetrics, Rejection, SecurityFinding, UnitRecord
from codemill.domain.errors import ArtifactNotFoundError, InputError, IntegrityError
from codemill.infrastructure.corpus import ParquetCorpusRepository
from codemill.infrastructure.corpus.record_schema import QUALITY_COLUMNS, RECORD_SCHEMA, UNIT_COLUMNS
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore

FULL_QUALITY = QualityMetrics(
    cyclomatic=3,
    complexity_rank="A",
    maintainability_index=71.5,
    halstead_volume=120.25,
    loc=12,
    sloc=10,
    comments=1,
    token_count=88,
    parameter_count=2,
)
FINDING = SecurityFinding(
    test_id="B602",
    test_name="subprocess_popen_with_shell_equals_true",
    cwe=78,
    severity="HIGH",
    confidence="HIGH",
    line=7,
    message="subprocess call with shell=True",
)


def make_record(index: int, **overrides: object) -> UnitRecord:
    code = f"def f{index}(x):\n    return x + {index}\n"
    unit = CodeUnit(
        id=f"id-{index:04d}",
        source="https://example.org/repo.git",
        commit="0" * 40,
        path=f"pkg/mod_{index}.py",
        language=Language.PYTHON if index % 2 else Language.GO,
        kind=UnitKind.METHOD if index % 3 else UnitKind.CLASS,
        name=f"f{index}",
        qualified_name=f"Mod.f{index}",
        signature=f"def f{index}(x)",
        docstring="Adds. ünïcode ✓" if index % 2 else None,
        code=code,
        code_without_docstring=code,
        start_line=index + 1,
        end_line=index + 2,
        start_byte=10 * index,
        end_byte=10 * index + len(code),
        has_error=index % 5 == 0,
    )
    fields = {"unit": unit, "cluster_id": unit.id}
    fields.update(overrides)
    return UnitRecord(**fields)  # type: ignore[arg-type]


def rich_record(index: int) -> UnitRecord:
    return make_record(
        index,
        quality=FULL_QUALITY,
        findings=(FINDING, dataclasses.replace(FINDING, cwe=None, line=9)),
        flags=frozenset({"test", "generated"}),
        redactions={"EMAIL": 2, "API_KEY": 1},
        cluster_id="id-0000",
    )


class RecordingStore(LocalArtifactStore):
    """The real local store, remembering the order of writes."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.writes: list[str] = []

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        super().put(key, data)
        self.writes.append(key)


@pytest.fixture
def store(tmp_path: Path) -> RecordingStore:
    return RecordingStore(tmp_path / "data")


@pytest.fixture
def repo(store: RecordingStore) -> ParquetCorpusRepository:
    return ParquetCorpusRepository(store, shard_rows=3)


def publish(repo: ParquetCorpusRepository, name: str, records: list[UnitRecord]) -> None:
    sink = repo.create(name)
    for record in records:
        sink.add(record)
    sink.publish({"units": len(records)})


def test_schema_has_a_column_for_every_domain_field() -> None:
    assert set(UNIT_COLUMNS) == {f.name for f in dataclasses.fields(CodeUnit)}
    assert set(QUALITY_COLUMNS) == {f.name for f in dataclasses.fields(QualityMetrics)}


def test_records_round_trip_with_every_field(repo: ParquetCorpusRepository) -> None:
    records = [rich_record(1), make_record(2), rich_record(3), make_record(4, quality=QualityMetrics())]
    publish(repo, "rich", records)
    assert list(repo.iter_records("rich")) == records


def test_records_are_sharded_and_the_manifest_is_written_last(
    repo: ParquetCorpusRepository, store: RecordingStore
) -> None:
    sink = repo.create("sharded")
    for index in range(7):
        sink.add(make_record(index))
    sink.reject(make_record(8), Rejection(reason="max_line_length", detail="line 3 has 1200 chars"))
    assert not store.exists("corpora/sharded/manifest.json")
    manifest = sink.publish({"files": 3}, extra_artifacts={"lsh_index.npz": b"index"}, config_hash="abc")
    paths = [entry.path for entry in manifest.entries]
    assert paths == [
        "data/shard-00000.parquet",
        "data/shard-00001.parquet",
        "data/shard-00002.parquet",
        "lsh_index.npz",
        "rejected/shard-00000.parquet",
        "stats.json",
    ]
    assert store.writes[-1] == "corpora/sharded/manifest.json"
    assert store.writes.count("corpora/sharded/manifest.json") == 1
    assert manifest.kind == "corpus" and manifest.config_hash == "abc"
    assert manifest.metadata["units"] == 7 and manifest.metadata["rejected"] == 1
    assert manifest.metadata["rejected_by_reason"] == {"max_line_length": 1}
    assert verify_manifest(store, "corpora/sharded").ok
    assert repo.stats("sharded") == {"files": 3}
    assert repo.read_artifact("sharded", "lsh_index.npz") == b"index"
    assert [r.unit.id for r in repo.iter_records("sharded")] == [f"id-{i:04d}" for i in range(7)]
    table = pq.read_table(io.BytesIO(store.get("corpora/sharded/data/shard-00000.parquet")))
    assert table.schema.equals(RECORD_SCHEMA) and table.num_rows == 3


def test_rejected_units_keep_their_reasons(repo: ParquetCorpusRepository) -> None:
    sink = repo.create("with-rejects")
    sink.add(make_record(0))
    rejected = [
        (rich_record(1), Rejection(reason="exact_duplicate", duplicate_of="id-0000")),
        (make_record(2), Rejection(reason="near_duplicate", duplicate_of="id-0000", detail="jaccard 0.81")),
        (make_record(3), Rejection(reason="max_line_length", detail="line too long")),
        (make_record(4), Rejection(reason="syntax_errors")),
    ]
    for record, rejection in rejected:
        sink.reject(record, rejection)
    manifest = sink.publish({})
    assert manifest.metadata["rejected_shards"] == 2
    assert list(repo.iter_rejections("with-rejects")) == rejected
    assert list(repo.iter_records("with-rejects", rejected=True)) == [r for r, _ in rejected]
    assert [r.unit.id for r in repo.iter_records("with-rejects")] == ["id-0000"]


def test_an_empty_corpus_has_one_empty_data_shard(repo: ParquetCorpusRepository) -> None:
    manifest = repo.create("empty").publish({})
    assert [e.path for e in manifest.entries] == ["data/shard-00000.parquet", "stats.json"]
    assert list(repo.iter_records("empty")) == []
    assert list(repo.iter_rejections("empty")) == []


def test_abort_leaves_nothing_published(repo: ParquetCorpusRepository, store: RecordingStore) -> None:
    sink = repo.create("aborted")
    for index in range(5):
        sink.add(make_record(index))
    sink.abort()
    assert list(store.list("corpora/aborted/")) == []
    assert repo.names() == []
    with pytest.raises(ArtifactNotFoundError, match="corpus 'aborted' does not exist or was never completed"):
        repo.manifest("aborted")
    with pytest.raises(RuntimeError, match="already published or aborted"):
        sink.add(make_record(9))


def test_rewriting_a_corpus_removes_its_old_shards(
    repo: ParquetCorpusRepository, store: RecordingStore
) -> None:
    publish(repo, "again", [make_record(i) for i in range(8)])
    sink = repo.create("again")
    assert repo.names() == []  # unpublished as soon as the rewrite starts
    assert list(store.list("corpora/again/")) == []
    sink.add(make_record(100))
    sink.publish({})
    assert list(store.list("corpora/again/data/")) == ["corpora/again/data/shard-00000.parquet"]
    assert [r.unit.id for r in repo.iter_records("again")] == ["id-0100"]


def test_a_corrupted_shard_is_detected_on_read(repo: ParquetCorpusRepository, store: RecordingStore) -> None:
    publish(repo, "damaged", [make_record(i) for i in range(6)])
    key = "corpora/damaged/data/shard-00001.parquet"
    payload = bytearray(store.get(key))
    payload[len(payload) // 2] ^= 0xFF
    store.put(key, bytes(payload))
    records = repo.iter_records("damaged")
    assert next(records).unit.id == "id-0000"
    with pytest.raises(IntegrityError, match=r"'data/shard-00001\.parquet' does not match its manifest"):
        list(records)


def test_a_missing_shard_is_an_integrity_error(repo: ParquetCorpusRepository, store: RecordingStore) -> None:
    publish(repo, "holed", [make_record(i) for i in range(4)])
    store.delete("corpora/holed/data/shard-00000.parquet")
    with pytest.raises(IntegrityError, match="listed in its manifest but missing"):
        list(repo.iter_records("holed"))


def test_an_unreadable_shard_with_a_valid_checksum_is_an_integrity_error(
    repo: ParquetCorpusRepository, store: RecordingStore
) -> None:
    writer = ArtifactWriter(store, "corpora/forged", kind="corpus")
    writer.write("data/shard-00000.parquet", b"not parquet at all")
    writer.publish(metadata={"schema_version": 1})
    with pytest.raises(IntegrityError, match=r"'data/shard-00000\.parquet' is not a readable corpus shard"):
        list(repo.iter_records("forged"))


def test_a_corpus_of_another_schema_version_is_refused(
    repo: ParquetCorpusRepository, store: RecordingStore
) -> None:
    ArtifactWriter(store, "corpora/future", kind="corpus").publish(metadata={"schema_version": 99})
    with pytest.raises(IntegrityError, match="schema version 99"):
        repo.manifest("future")


def test_names_lists_only_published_corpora(repo: ParquetCorpusRepository) -> None:
    publish(repo, "b-corpus", [make_record(1)])
    publish(repo, "a.corpus_1", [make_record(2)])
    unfinished = repo.create("c-unfinished")
    unfinished.add(make_record(3))
    assert repo.names() == ["a.corpus_1", "b-corpus"]


def test_readers_refuse_unpublished_corpora_and_unknown_artifacts(repo: ParquetCorpusRepository) -> None:
    for read in (repo.manifest, repo.stats, repo.iter_records, repo.iter_rejections):
        with pytest.raises(ArtifactNotFoundError, match="corpus 'nope' does not exist"):
            read("nope")
    publish(repo, "known", [make_record(1)])
    with pytest.raises(ArtifactNotFoundError, match=r"has no artifact 'other\.bin'"):
        repo.read_artifact("known", "other.bin")


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a b", "-x", "x" * 101, "naïve", "a\\b"])
def test_bad_names_are_rejected(repo: ParquetCorpusRepository, name: str) -> None:
    with pytest.raises(InputError, match="invalid corpus name"):
        repo.create(name)
    with pytest.raises(InputError, match="invalid corpus name"):
        repo.manifest(name)


def test_extra_artifacts_cannot_overwrite_corpus_files(repo: ParquetCorpusRepository) -> None:
    sink = repo.create("clash")
    with pytest.raises(ValueError, match="would overwrite"):
        sink.publish({}, extra_artifacts={"data/shard-00000.parquet": b"x"})


def test_stats_json_is_a_readable_object(repo: ParquetCorpusRepository, store: RecordingStore) -> None:
    repo.create("stats").publish({"skipped": {"binary": 2}, "files": 10})
    assert json.loads(store.get("corpora/stats/stats.json")) == {"files": 10, "skipped": {"binary": 2}}
