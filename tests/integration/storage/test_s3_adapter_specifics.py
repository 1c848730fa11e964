"""What only the S3 adapter does: store prefixes, folder markers, multipart uploads."""

from __future__ import annotations

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
