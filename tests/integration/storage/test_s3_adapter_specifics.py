"""What only the S3 adapter does: store prefixes, folder markers, multipart uploads, conditional writes."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from codemill.infrastructure.storage.s3_artifact_store import MIB, S3ArtifactStore
from tests.support.seaweedfs_server import SeaweedServer


def test_objects_outside_the_store_prefix_stay_out_of_sight(seaweedfs: SeaweedServer) -> None:
    bucket = seaweedfs.create_bucket()
    raw = seaweedfs.client()
    for key in ("other/a.txt", "team/artifactsX/b.txt", "team/artifacts/c.txt", "team/artifacts/dir/"):
        raw.put_object(Bucket=bucket, Key=key, Body=b"x")
    store = S3ArtifactStore(raw, bucket, "/team/artifacts/")
    assert store.location == f"s3://{bucket}/team/artifacts"
    assert list(store.list()) == ["c.txt"]
    assert store.get("c.txt") == b"x"
    assert not store.exists("b.txt")


def test_large_puts_go_multipart_and_small_ones_do_not(seaweedfs: SeaweedServer) -> None:
    bucket = seaweedfs.create_bucket()
    raw = seaweedfs.client()
    store = S3ArtifactStore(raw, bucket, multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    store.put("large.bin", bytes(12 * MIB))
    store.put("small.bin", bytes(MIB))
    assert raw.head_object(Bucket=bucket, Key="large.bin")["ETag"].endswith('-3"')
    assert "-" not in raw.head_object(Bucket=bucket, Key="small.bin")["ETag"]
    assert list(raw.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == []


class BreakingStream:
    """Yields `good_bytes` of zeros, then fails like a source that went away."""

    def __init__(self, good_bytes: int) -> None:
        self._left = good_bytes

    def read(self, n: int = -1) -> bytes:
        if self._left <= 0:
            raise OSError("source vanished")
        size = self._left if n < 0 else min(n, self._left)
        self._left -= size
        return bytes(size)


def test_failed_multipart_upload_leaves_nothing_visible(seaweedfs: SeaweedServer) -> None:
    bucket = seaweedfs.create_bucket()
    raw = seaweedfs.client()
    store = S3ArtifactStore(raw, bucket, multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    store.put("model.bin", b"old weights")
    with pytest.raises(OSError, match="source vanished"):
        store.put("model.bin", BreakingStream(12 * MIB))  # type: ignore[arg-type]
    assert store.get("model.bin") == b"old weights"
    assert list(raw.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == []


def test_seaweedfs_honours_if_none_match_and_the_probe_leaves_nothing(seaweedfs: SeaweedServer) -> None:
    """SeaweedFS 4.48 (`weed mini`) refuses a second `If-None-Match: *` PUT with 412 PreconditionFailed."""
    bucket = seaweedfs.create_bucket()
    store = S3ArtifactStore(seaweedfs.client(), bucket, "team")
    assert store.conditional_writes
    assert seaweedfs.client().list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    assert store.create("a.json", b"1") and not store.create("a.json", b"2")


class HeaderIgnoringClient:
    """A real client in front of a server that ignores If-None-Match, as some S3-compatible servers do."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.meta = inner.meta

    def put_object(self, **kwargs: Any) -> Any:
        kwargs.pop("IfNoneMatch", None)
        return self._inner.put_object(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_a_server_ignoring_the_header_is_found_by_the_probe_and_create_checks_first(
    seaweedfs: SeaweedServer, caplog: pytest.LogCaptureFixture
) -> None:
    bucket = seaweedfs.create_bucket()
    store = S3ArtifactStore(HeaderIgnoringClient(seaweedfs.client()), bucket)
    with caplog.at_level(logging.WARNING, logger="codemill.storage"):
        assert not store.conditional_writes
    assert "not atomic" in caplog.text
    assert store.create("claims/1.json", b"first") and not store.create("claims/1.json", b"second")
    assert store.get("claims/1.json") == b"first"
    assert list(store.list()) == ["claims/1.json"]  # the probe object is gone


def test_conditional_writes_can_be_forced_without_a_probe(seaweedfs: SeaweedServer) -> None:
    bucket = seaweedfs.create_bucket()
    store = S3ArtifactStore(seaweedfs.client(), bucket, conditional_writes=False)
    assert not store.conditional_writes
    assert store.create("k", b"1") and not store.create("k", b"2") and store.get("k") == b"1"
