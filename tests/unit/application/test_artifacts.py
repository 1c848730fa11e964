import io

import pytest

from codemill.application.publishing.artifacts import ArtifactWriter, read_manifest, verify_manifest
from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from tests.fakes.memory_store import InMemoryArtifactStore


def test_manifest_is_written_last_with_checksums() -> None:
    store = InMemoryArtifactStore()
    writer = ArtifactWriter(store, "corpora/c", kind="corpus")
    writer.write("stats.json", '{"n": 1}')
    writer.write_stream("data/shard-0.bin", io.BytesIO(b"x" * 3_000_000))
    manifest = writer.publish(config_hash="h", metadata={"units": 1})
    assert store.writes[-1] == "corpora/c/manifest.json"
    assert read_manifest(store, "corpora/c") == manifest
    assert manifest.entry("data/shard-0.bin").size == 3_000_000  # type: ignore[union-attr]
    assert verify_manifest(store, "corpora/c").ok


def test_verify_reports_corrupted_and_missing_artifacts() -> None:
    store = InMemoryArtifactStore()
    writer = ArtifactWriter(store, "p", kind="k")
    writer.write("a", b"aaa")
    writer.write("b", b"bbb")
    writer.publish()
    store.put("p/a", b"AAA")
    store.delete("p/b")
    report = verify_manifest(store, "p/")
    assert not report.ok
    assert report.mismatched == ("a",)
    assert report.missing == ("b",)
    assert "checksum mismatch a" in report.summary()


def test_rewriting_a_published_prefix_unpublishes_it_first() -> None:
    store = InMemoryArtifactStore()
    first = ArtifactWriter(store, "p", kind="k")
    first.write("a", b"1")
    first.publish()
    ArtifactWriter(store, "p", kind="k").write("a", b"2")
    with pytest.raises(ArtifactNotFoundError, match="never completed"):
        read_manifest(store, "p")


def test_manifest_name_is_reserved() -> None:
    writer = ArtifactWriter(InMemoryArtifactStore(), "p", kind="k")
    with pytest.raises(IntegrityError):
        writer.write("manifest.json", b"{}")
