"""Real storage backends for the storage tests: a local folder and a SeaweedFS S3 server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
from codemill.infrastructure.storage.s3_artifact_store import MIB, S3ArtifactStore
from codemill.infrastructure.storage.scoped_store import ScopedArtifactStore
from tests.support.seaweedfs_server import SeaweedServer, start_seaweedfs

SMALL_MULTIPART = 5 * MIB  # the smallest part size S3 accepts


@pytest.fixture
def private_seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """A server of the test's own, which the test may kill."""
    server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs-private"))
    yield server
    server.stop()


@pytest.fixture(params=["local", "s3", "scoped"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    """Each adapter in turn; S3 gets a fresh bucket and a store prefix; 'scoped' is a run's prefix
    of a local store, with a neighbour's objects beside it that it must never see."""
    if request.param == "local":
        return LocalArtifactStore(tmp_path / "store")
    if request.param == "scoped":
        inner = LocalArtifactStore(tmp_path / "store")
        inner.put("pipelines/other-run/a", b"neighbour")
        inner.put("pipelines/run-10/a", b"a neighbour whose name starts with the prefix")
        return ScopedArtifactStore(inner, "pipelines/run-1")
    server: SeaweedServer = request.getfixturevalue("seaweedfs")
    return S3ArtifactStore(
        server.client(),
        server.create_bucket(),
        "team/artifacts",
        multipart_threshold=SMALL_MULTIPART,
        multipart_chunksize=SMALL_MULTIPART,
    )
