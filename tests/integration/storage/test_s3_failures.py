"""How the S3 store fails: one clear StorageError, quickly, never a secret in the message."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codemill.domain.errors import (
    ArtifactNotFoundError,
    InvalidKeyError,
    StorageAccessDeniedError,
    StorageError,
    StorageUnavailableError,
)
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.storage.s3_artifact_store import MIB, S3ArtifactStore
from codemill.infrastructure.storage.s3_client import build_s3_client
from codemill.infrastructure.storage.s3_presets import S3ConnectionConfig
from tests.support.seaweedfs_server import SeaweedServer

FAST_ENOUGH_S = 15.0


def every_operation(store: ArtifactStore) -> list[Callable[[], Any]]:
    return [
        lambda: store.put("runs/new.txt", b"data"),
        lambda: store.get("runs/a.txt"),
        lambda: store.exists("runs/a.txt"),
        lambda: list(store.list("runs/")),
        lambda: store.delete("runs/a.txt"),
    ]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unreachable_store(**overrides: Any) -> S3ArtifactStore:
    config = S3ConnectionConfig(
        provider="custom",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        access_key_id="codemill",
        secret_access_key="not-a-real-secret",
        **overrides,
    )
    return S3ArtifactStore(build_s3_client(config), "codemill-artifacts")


def test_server_stopped_mid_test(private_seaweedfs: SeaweedServer) -> None:
    server = private_seaweedfs
    bucket = server.create_bucket()
    store = S3ArtifactStore(server.client(), bucket)
    store.put("runs/a.txt", b"before")
    store.put("runs/big.bin", b"\x5a" * (32 * MIB))
    stream = store.open("runs/big.bin")
    assert len(stream.read(MIB)) == MIB
    server.kill()
    expected = rf"cannot reach S3 endpoint {re.escape(server.endpoint_url)}"

    with pytest.raises(StorageUnavailableError, match=expected):
        stream.read()  # the rest of a download cut off by the outage
    stream.close()
    started = time.monotonic()
    with pytest.raises(StorageUnavailableError, match=expected):
        store.get("runs/a.txt")  # default client: three attempts with backoff
    assert time.monotonic() - started < FAST_ENOUGH_S

    single_try = S3ArtifactStore(server.client(max_attempts=1), bucket)
    for operation in every_operation(single_try):
        with pytest.raises(StorageUnavailableError, match=expected):
            operation()


def test_unreachable_endpoint_fails_fast() -> None:
    store = unreachable_store()
    started = time.monotonic()
    with pytest.raises(StorageUnavailableError) as failure:
        store.put("runs/a.txt", b"data")
    assert time.monotonic() - started < FAST_ENOUGH_S
    message = str(failure.value)
    assert re.search(r"cannot reach S3 endpoint http://127\.0\.0\.1:\d+", message)
    assert "CODEMILL_STORAGE__ENDPOINT_URL" in message
    assert "not-a-real-secret" not in message


def test_invalid_keys_are_refused_before_any_request() -> None:
    store = unreachable_store(max_attempts=1)
    for operation in (
        lambda: store.put("../a", b"x"),
        lambda: store.exists("/abs"),
        lambda: store.get("a\\b"),
    ):
        with pytest.raises(InvalidKeyError):
            operation()


@pytest.mark.parametrize(
    "overrides",
    [{"secret_access_key": "wrong-secret-value"}, {"access_key_id": "unknown-key"}],
    ids=["wrong-secret", "unknown-key"],
)
def test_bad_credentials_are_denied(seaweedfs: SeaweedServer, overrides: dict[str, str]) -> None:
    bucket = seaweedfs.create_bucket()
    S3ArtifactStore(seaweedfs.client(), bucket).put("runs/a.txt", b"data")
    intruder = S3ArtifactStore(seaweedfs.client(max_attempts=1, **overrides), bucket)
    for operation in every_operation(intruder):
        with pytest.raises(StorageAccessDeniedError) as failure:
            operation()
        assert "CODEMILL_STORAGE__SECRET_ACCESS_KEY" in str(failure.value)
        assert seaweedfs.secret_key not in str(failure.value)
        assert "wrong-secret-value" not in str(failure.value)
    assert not S3ArtifactStore(seaweedfs.client(), bucket).exists("runs/new.txt")


def test_missing_bucket_is_named(seaweedfs: SeaweedServer) -> None:
    store = S3ArtifactStore(seaweedfs.client(), "codemill-no-such-bucket")
    for operation in every_operation(store):
        with pytest.raises(StorageError, match="'codemill-no-such-bucket' does not exist") as failure:
            operation()
        assert not isinstance(failure.value, ArtifactNotFoundError)
        assert "CODEMILL_STORAGE__BUCKET" in str(failure.value)


def test_missing_credentials_name_the_variables(
    seaweedfs: SeaweedServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    config = S3ConnectionConfig(provider="seaweedfs", endpoint_url=seaweedfs.endpoint_url)
    store = S3ArtifactStore(build_s3_client(config), "any-bucket")
    with pytest.raises(StorageAccessDeniedError, match="CODEMILL_STORAGE__ACCESS_KEY_ID"):
        store.put("runs/a.txt", b"data")
