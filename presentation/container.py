"""The composition root: the only module that knows every adapter."""

from __future__ import annotations

from dependency_injector import containers, providers

from domain.errors import ConfigurationError
from domain.ports.artifact_store import ArtifactStore
from infrastructure.storage.local_artifact_store import LocalArtifactStore
from infrastructure.storage.s3_artifact_store import S3ArtifactStore
from infrastructure.storage.s3_client import build_s3_client
from infrastructure.storage.s3_presets import S3ConnectionConfig
from presentation.settings import Settings, StorageSettings, load_settings

_MIB = 1 << 20


def _secret(value: object) -> str | None:
    return value.get_secret_value() if value is not None else None  # type: ignore[attr-defined]


def s3_connection_config(storage: StorageSettings) -> S3ConnectionConfig:
    return S3ConnectionConfig(
        provider=storage.provider,
        endpoint_url=storage.endpoint_url,
        region=storage.region,
        account_id=storage.account_id,
        access_key_id=_secret(storage.access_key_id),
        secret_access_key=_secret(storage.secret_access_key),
        session_token=_secret(storage.session_token),
        addressing_style=storage.addressing_style,
        connect_timeout=storage.connect_timeout,
        read_timeout=storage.read_timeout,
        max_attempts=storage.max_attempts,
    )


def build_s3_store(storage: StorageSettings) -> ArtifactStore:
    if not storage.bucket:
        raise ConfigurationError("CODEMILL_STORAGE__BUCKET is required when CODEMILL_STORAGE__BACKEND=s3")
    return S3ArtifactStore(
        build_s3_client(s3_connection_config(storage)),
        storage.bucket,
        storage.prefix,
        multipart_threshold=storage.multipart_threshold_mb * _MIB,
        multipart_chunksize=storage.multipart_chunk_mb * _MIB,
    )


class Container(containers.DeclarativeContainer):
    """Wires settings, clients, adapters and use cases. Tests override providers."""

    # Config
    settings: providers.Provider[Settings] = providers.Singleton(load_settings)
    storage_settings = settings.provided.storage

    # Adapters
    local_store = providers.Singleton(LocalArtifactStore, root=storage_settings.root)
    s3_store = providers.Singleton(build_s3_store, storage=storage_settings)
    artifact_store: providers.Provider[ArtifactStore] = providers.Selector(
        storage_settings.backend, local=local_store, s3=s3_store
    )

    # Use cases
