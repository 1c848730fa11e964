"""A boto3 S3 client built from an S3ConnectionConfig (boto3 is imported only when one is built)."""

from __future__ import annotations

from typing import Any

from codemill.domain.errors import ConfigurationError
from codemill.infrastructure.storage.s3_presets import S3ConnectionConfig, env_var, resolve_endpoint


def build_s3_client(cfg: S3ConnectionConfig) -> Any:
    """An S3 client with bounded timeouts, standard retries and signature v4.

    Explicit credentials are used when given; otherwise boto3's standard chain
    (AWS_* variables, shared profile, instance role) applies. Providers other
    than AWS compute checksums only where the API requires them, since several
    S3-compatible services reject the newer default checksum headers.
    """
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ProfileNotFound

    endpoint_url, region, addressing_style = resolve_endpoint(cfg)
    _check_limits(cfg)
    checksum_mode = {} if cfg.provider == "aws" else _only_required_checksums()
    config = Config(
        region_name=region,
        signature_version="s3v4",
        connect_timeout=cfg.connect_timeout,
        read_timeout=cfg.read_timeout,
        # botocore's "max_attempts" counts retries only; "total_max_attempts" counts every try
        retries={"total_max_attempts": cfg.max_attempts, "mode": "standard"},
        s3={"addressing_style": addressing_style},
        **checksum_mode,
    )
    credentials = _explicit_credentials(cfg)
    try:
        session = boto3.session.Session()
        return session.client(
            "s3", endpoint_url=endpoint_url, region_name=region, config=config, **credentials
        )
    except ProfileNotFound as exc:
        raise ConfigurationError(
            f"{exc}: fix AWS_PROFILE or set {env_var('access_key_id')} and {env_var('secret_access_key')}"
        ) from None


def _only_required_checksums() -> dict[str, str]:
    return {"request_checksum_calculation": "when_required", "response_checksum_validation": "when_required"}


def _explicit_credentials(cfg: S3ConnectionConfig) -> dict[str, str]:
    key_id, secret = cfg.access_key_id or None, cfg.secret_access_key or None
    if (key_id is None) != (secret is None):
        missing = "secret_access_key" if secret is None else "access_key_id"
        raise ConfigurationError(
            f"S3 credentials are incomplete: set {env_var(missing)} too, "
            f"or unset both to use the standard AWS credential chain"
        )
    named = {
        "aws_access_key_id": key_id,
        "aws_secret_access_key": secret,
        "aws_session_token": cfg.session_token or None,
    }
    return {name: value for name, value in named.items() if value is not None}


def _check_limits(cfg: S3ConnectionConfig) -> None:
    if cfg.connect_timeout <= 0 or cfg.read_timeout <= 0:
        raise ConfigurationError(
            f"{env_var('connect_timeout')} and {env_var('read_timeout')} must be positive seconds"
        )
    if cfg.max_attempts < 1:
        raise ConfigurationError(f"{env_var('max_attempts')} must be at least 1")
