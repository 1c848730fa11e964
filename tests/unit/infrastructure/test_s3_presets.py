"""Provider presets and the client they configure; nothing here touches the network."""

from __future__ import annotations

import pytest

from codemill.domain.errors import ConfigurationError
from codemill.infrastructure.storage.s3_client import build_s3_client
from codemill.infrastructure.storage.s3_presets import S3ConnectionConfig, resolve_endpoint

PRESET_CASES = [
    (S3ConnectionConfig(provider="aws"), (None, "us-east-1", "virtual")),
    (S3ConnectionConfig(provider="aws", region="eu-west-3"), (None, "eu-west-3", "virtual")),
    (S3ConnectionConfig(provider="minio"), ("http://127.0.0.1:9000", "us-east-1", "path")),
    (S3ConnectionConfig(provider="seaweedfs"), ("http://127.0.0.1:8333", "us-east-1", "path")),
    (
        S3ConnectionConfig(provider="r2", account_id="0123abcd"),
        ("https://0123abcd.r2.cloudflarestorage.com", "auto", "path"),
    ),
    (
        S3ConnectionConfig(provider="b2", region="us-west-004"),
        ("https://s3.us-west-004.backblazeb2.com", "us-west-004", "path"),
    ),
    (S3ConnectionConfig(provider="wasabi"), ("https://s3.us-east-1.wasabisys.com", "us-east-1", "path")),
    (
        S3ConnectionConfig(provider="wasabi", region="eu-central-2"),
        ("https://s3.eu-central-2.wasabisys.com", "eu-central-2", "path"),
    ),
    (
        S3ConnectionConfig(provider="spaces", region="nyc3"),
        ("https://nyc3.digitaloceanspaces.com", "nyc3", "path"),
    ),
    (
        S3ConnectionConfig(provider="custom", endpoint_url="https://store.example.com:9443/"),
        ("https://store.example.com:9443", "us-east-1", "path"),
    ),
]


@pytest.mark.parametrize(
    ("config", "expected"),
    PRESET_CASES,
    ids=[f"{config.provider}-{config.region or 'default'}" for config, _ in PRESET_CASES],
)
def test_presets(config: S3ConnectionConfig, expected: tuple[str | None, str, str]) -> None:
    assert resolve_endpoint(config) == expected


@pytest.mark.parametrize("provider", ["aws", "minio", "seaweedfs", "r2", "b2", "wasabi", "spaces"])
def test_explicit_endpoint_and_addressing_style_win(provider: str) -> None:
    config = S3ConnectionConfig(
        provider=provider,  # type: ignore[arg-type]
        endpoint_url="http://10.0.0.5:7480",
        addressing_style="virtual",
    )
    endpoint_url, _, addressing_style = resolve_endpoint(config)
    assert (endpoint_url, addressing_style) == ("http://10.0.0.5:7480", "virtual")


def test_explicit_region_wins_over_the_preset() -> None:
    assert resolve_endpoint(S3ConnectionConfig(provider="minio", region="eu-1")).region == "eu-1"


@pytest.mark.parametrize(
    ("config", "variable"),
    [
        (S3ConnectionConfig(provider="r2"), "CODEMILL_STORAGE__ACCOUNT_ID"),
        (S3ConnectionConfig(provider="r2", account_id="  "), "CODEMILL_STORAGE__ACCOUNT_ID"),
        (S3ConnectionConfig(provider="b2"), "CODEMILL_STORAGE__REGION"),
        (S3ConnectionConfig(provider="spaces"), "CODEMILL_STORAGE__REGION"),
        (S3ConnectionConfig(provider="spaces", region="nyc3.evil.com/x"), "CODEMILL_STORAGE__REGION"),
        (S3ConnectionConfig(provider="custom"), "CODEMILL_STORAGE__ENDPOINT_URL"),
        (
            S3ConnectionConfig(provider="custom", endpoint_url="store.example.com"),
            "CODEMILL_STORAGE__ENDPOINT_URL",
        ),
        (S3ConnectionConfig(provider="ceph"), "CODEMILL_STORAGE__PROVIDER"),  # type: ignore[arg-type]
    ],
    ids=["r2", "r2-blank", "b2", "spaces", "spaces-bad-region", "custom", "custom-no-scheme", "unknown"],
)
def test_missing_or_bad_values_name_the_variable(config: S3ConnectionConfig, variable: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        resolve_endpoint(config)


def test_required_values_suggest_an_example() -> None:
    with pytest.raises(ConfigurationError, match="us-west-004"):
        resolve_endpoint(S3ConnectionConfig(provider="b2"))


def test_secrets_stay_out_of_repr() -> None:
    config = S3ConnectionConfig(access_key_id="AKIDEXAMPLE", secret_access_key="s3cr3t", session_token="t0k")
    assert "s3cr3t" not in repr(config)
    assert "t0k" not in repr(config)


def test_client_carries_timeouts_retries_and_addressing() -> None:
    config = S3ConnectionConfig(
        provider="r2",
        account_id="0123abcd",
        access_key_id="key",
        secret_access_key="secret",
        connect_timeout=2,
        read_timeout=7,
        max_attempts=4,
    )
    meta = build_s3_client(config).meta
    assert meta.endpoint_url == "https://0123abcd.r2.cloudflarestorage.com"
    assert meta.region_name == "auto"
    assert (meta.config.connect_timeout, meta.config.read_timeout) == (2, 7)
    assert meta.config.retries == {"total_max_attempts": 4, "mode": "standard"}
    assert meta.config.s3 == {"addressing_style": "path"}
    assert meta.config.signature_version == "s3v4"


def test_client_on_aws_uses_the_regional_endpoint() -> None:
    config = S3ConnectionConfig(region="eu-west-3", access_key_id="key", secret_access_key="secret")
    meta = build_s3_client(config).meta
    assert meta.endpoint_url == "https://s3.eu-west-3.amazonaws.com"
    assert meta.config.s3 == {"addressing_style": "virtual"}


@pytest.mark.parametrize(
    ("credentials", "variable"),
    [
        ({"access_key_id": "AKID-VALUE"}, "CODEMILL_STORAGE__SECRET_ACCESS_KEY"),
        ({"secret_access_key": "sekrit-value"}, "CODEMILL_STORAGE__ACCESS_KEY_ID"),
    ],
)
def test_half_given_credentials_are_refused(credentials: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigurationError, match=variable) as failure:
        build_s3_client(S3ConnectionConfig(provider="minio", **credentials))
    assert "sekrit-value" not in str(failure.value)


@pytest.mark.parametrize(
    ("limits", "variable"),
    [({"max_attempts": 0}, "CODEMILL_STORAGE__MAX_ATTEMPTS"), ({"read_timeout": 0}, "READ_TIMEOUT")],
)
def test_nonsense_limits_are_refused(limits: dict[str, float], variable: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        build_s3_client(S3ConnectionConfig(provider="minio", **limits))  # type: ignore[arg-type]
