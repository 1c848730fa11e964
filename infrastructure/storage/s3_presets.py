"""Connection settings for S3-compatible providers, and the presets that fill in their endpoints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from codemill.domain.errors import ConfigurationError

Provider = Literal["aws", "minio", "seaweedfs", "r2", "b2", "wasabi", "spaces", "custom"]
AddressingStyle = Literal["auto", "path", "virtual"]

ENV_PREFIX = "CODEMILL_STORAGE__"
_SAFE_URL_PART = re.compile(r"^[A-Za-z0-9-]+$")


def env_var(setting: str) -> str:
    """'region' -> 'CODEMILL_STORAGE__REGION': the variable a user sets for a storage setting."""
    return ENV_PREFIX + setting.upper()


@dataclass(frozen=True, kw_only=True)
class S3ConnectionConfig:
    """How to reach one S3-compatible service. Secrets stay out of `repr`."""

    provider: Provider = "aws"
    endpoint_url: str | None = None
    region: str | None = None
    account_id: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    addressing_style: AddressingStyle | None = None
    connect_timeout: float = 5
    read_timeout: float = 60
    max_attempts: int = 3


@dataclass(frozen=True, slots=True)
class _Preset:
    endpoint_template: str | None
    default_region: str | None
    addressing_style: AddressingStyle
    region_example: str = "us-east-1"


# Every provider but AWS gets path-style addressing: it works for any bucket
# name (dots included) and behind any TLS certificate.
_PRESETS: dict[str, _Preset] = {
    "aws": _Preset(None, "us-east-1", "virtual"),
    "minio": _Preset("http://127.0.0.1:9000", "us-east-1", "path"),
    "seaweedfs": _Preset("http://127.0.0.1:8333", "us-east-1", "path"),
    "r2": _Preset("https://{account_id}.r2.cloudflarestorage.com", "auto", "path"),
    "b2": _Preset("https://s3.{region}.backblazeb2.com", None, "path", "us-west-004"),
    "wasabi": _Preset("https://s3.{region}.wasabisys.com", "us-east-1", "path"),
    "spaces": _Preset("https://{region}.digitaloceanspaces.com", None, "path", "nyc3"),
    "custom": _Preset(None, "us-east-1", "path"),
}


class ResolvedEndpoint(NamedTuple):
    endpoint_url: str | None
    region: str
    addressing_style: AddressingStyle


def resolve_endpoint(cfg: S3ConnectionConfig) -> ResolvedEndpoint:
    """Apply the provider's preset: explicit endpoint and addressing style always win.

    Raises ConfigurationError naming the variable to set when the preset lacks a
    value it needs (a region for b2/spaces, an account id for r2, an endpoint
    for custom).
    """
    preset = _PRESETS.get(cfg.provider)
    if preset is None:
        choices = ", ".join(_PRESETS)
        raise ConfigurationError(
            f"unknown S3 provider {cfg.provider!r}: set {env_var('provider')} to one of {choices}"
        )
    explicit_endpoint = _blank_to_none(cfg.endpoint_url)
    region = _blank_to_none(cfg.region) or preset.default_region
    if explicit_endpoint is not None:
        endpoint_url: str | None = _checked_endpoint(explicit_endpoint)
    else:
        endpoint_url = _preset_endpoint(cfg, preset, region)
    style = cfg.addressing_style or preset.addressing_style
    return ResolvedEndpoint(endpoint_url, region or "us-east-1", style)


def _preset_endpoint(cfg: S3ConnectionConfig, preset: _Preset, region: str | None) -> str | None:
    template = preset.endpoint_template
    if cfg.provider == "custom":
        raise ConfigurationError(
            f"S3 provider 'custom' needs an endpoint: set {env_var('endpoint_url')} (e.g. https://s3.example.com)"
        )
    if template is None:
        return None
    values: dict[str, str] = {}
    if "{region}" in template:
        values["region"] = _required_part(
            region, "region", f"S3 provider {cfg.provider!r} needs a region (e.g. {preset.region_example})"
        )
    if "{account_id}" in template:
        values["account_id"] = _required_part(
            _blank_to_none(cfg.account_id), "account_id", "S3 provider 'r2' needs the Cloudflare account id"
        )
    return template.format(**values)


def _required_part(value: str | None, setting: str, need: str) -> str:
    if value is None:
        raise ConfigurationError(f"{need}: set {env_var(setting)}")
    if not _SAFE_URL_PART.match(value):
        raise ConfigurationError(f"invalid {env_var(setting)} {value!r}: use only letters, digits and '-'")
    return value


def _checked_endpoint(url: str) -> str:
    if not re.match(r"^https?://[^/\s]+", url):
        raise ConfigurationError(
            f"invalid {env_var('endpoint_url')} {url!r}: expected http://host[:port] or https://host[:port]"
        )
    return url.rstrip("/")


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None
