"""Stores described by picklable specs, so that other processes can open the very same store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from codemill.domain.ports.artifact_store import ArtifactStore

_OPENED: dict[StoreSpec, ArtifactStore] = {}


@dataclass(frozen=True)
class StoreSpec:
    """A local folder, or a bucket (and prefix) on an S3 endpoint with its credentials."""

    kind: Literal["local", "s3"]
    root: str = ""
    endpoint_url: str = ""
    access_key: str = ""
    secret_key: str = ""
    bucket: str = ""
    prefix: str = ""
    conditional_writes: bool | None = None  # S3: None probes the server

    def open(self) -> ArtifactStore:
        """The store, opened once per process (an S3 client is slow to build)."""
        if self not in _OPENED:
            _OPENED[self] = self._build()
        return _OPENED[self]

    def _build(self) -> ArtifactStore:
        if self.kind == "local":
            from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore

            return LocalArtifactStore(self.root)
        from codemill.infrastructure.storage.s3_artifact_store import S3ArtifactStore
        from codemill.infrastructure.storage.s3_client import build_s3_client
        from codemill.infrastructure.storage.s3_presets import S3ConnectionConfig

        client = build_s3_client(
            S3ConnectionConfig(
                provider="seaweedfs",
                endpoint_url=self.endpoint_url,
                access_key_id=self.access_key,
                secret_access_key=self.secret_key,
                connect_timeout=2,
                read_timeout=10,
            )
        )
        return S3ArtifactStore(client, self.bucket, self.prefix, conditional_writes=self.conditional_writes)
