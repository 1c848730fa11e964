"""Real storage backends for the storage tests: a local folder and a SeaweedFS S3 server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.ports.artifact_store import ArtifactStore
from infrastructure.storage.local_artifact_store import LocalArtifactStore
from infrastructure.storage.s3_artifact_store import MIB, S3ArtifactStore
from tests.support.seaweedfs_server import SeaweedServer, start_seaweedfs

SMALL_MULTIPART = 5 * MIB  # the smallest part size S3 accepts


@pytest.fixture
def private_seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """A server of the test's own, which the test may kill."""
    server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs-private"))
    yield server
    server.stop()


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    """Each adapter in turn; S3 gets a fresh bucket and a store prefix."""
    if request.param == "local":
        return LocalArtifactStore(tmp_path / "store")
    server: SeaweedServer = request.getfixturevalue("seaweedfs")
    return S3ArtifactStore(
        server.client(),
        server.create_bucket(),
        "team/artifacts",
        multipart_threshold=SMALL_MULTIPART,
        multipart_chunksize=SMALL_MULTIPART,
    )
