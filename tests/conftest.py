"""Fixtures shared by every test suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.seaweedfs_server import SeaweedServer, start_seaweedfs
from tests.support.store_specs import StoreSpec


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """One real SeaweedFS S3 server on loopback, shared by the session; tests use fresh buckets."""
    server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    yield server
    server.stop()


@pytest.fixture(params=["local", "s3"])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSpec:
    """A store that other processes can open too: a local folder, or a fresh bucket on SeaweedFS."""
    if request.param == "local":
        return StoreSpec(kind="local", root=str(tmp_path / "shared-store"))
    server: SeaweedServer = request.getfixturevalue("seaweedfs")
    return StoreSpec(
        kind="s3",
        endpoint_url=server.endpoint_url,
        access_key=server.access_key,
        secret_key=server.secret_key,
        bucket=server.create_bucket(),
        prefix="team/artifacts",
    )


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[object]:
    """One local Ray with 2 CPUs for the session (Ray takes seconds to start); the Ray executor joins it."""
    ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'codemill[ray]'")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()
