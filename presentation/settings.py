"""One settings tree, read from CODEMILL_* environment variables and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from domain.errors import ConfigurationError

ENV_PREFIX = "CODEMILL_"
NESTED_DELIMITER = "__"

StorageBackend = Literal["local", "s3"]
S3Provider = Literal["aws", "minio", "seaweedfs", "r2", "b2", "wasabi", "spaces", "custom"]


class StorageSettings(BaseModel):
    """Where artifacts go: a local folder (default) or an S3-compatible bucket."""

    backend: StorageBackend = Field("local", description="`local` or `s3`.")
    root: Path = Field(Path("codemill-data"), description="Folder of the local backend.")
    provider: S3Provider = Field("aws", description="S3 flavour; fills endpoint and addressing style.")
    bucket: str | None = Field(None, description="Bucket name (s3 backend).")
    prefix: str = Field("", description="Key prefix inside the bucket under which everything is stored.")
    endpoint_url: str | None = Field(None, description="Explicit endpoint; always wins over the preset.")
    region: str | None = Field(None, description="Region (aws, b2, wasabi, spaces).")
    account_id: str | None = Field(None, description="Cloudflare account id (r2).")
    access_key_id: SecretStr | None = Field(None, description="Access key; else the AWS chain.")
    secret_access_key: SecretStr | None = Field(None, description="Secret key; else the AWS chain.")
    session_token: SecretStr | None = Field(None, description="Session token for temporary credentials.")
    addressing_style: Literal["auto", "path", "virtual"] | None = Field(
        None, description="Override the preset's addressing style."
    )
    connect_timeout: float = Field(5.0, gt=0, description="Seconds to wait for a connection.")
    read_timeout: float = Field(60.0, gt=0, description="Seconds to wait for a response.")
    max_attempts: int = Field(3, ge=1, le=20, description="Attempts per request, retries included.")
    multipart_threshold_mb: int = Field(8, ge=5, description="Objects above this many MiB go multipart.")
    multipart_chunk_mb: int = Field(8, ge=5, description="Part size of multipart uploads, MiB.")


class Settings(BaseSettings):
    """Every setting codemill reads. Nested groups use '__': CODEMILL_STORAGE__BACKEND=s3."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED_DELIMITER,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Log level on stderr (-v/-q override it)."
    )
    storage: StorageSettings = Field(default_factory=StorageSettings)  # type: ignore[arg-type]


def env_name(location: tuple[Any, ...]) -> str:
    """('storage', 'backend') -> 'CODEMILL_STORAGE__BACKEND'."""
    return ENV_PREFIX + NESTED_DELIMITER.join(str(part).upper() for part in location)


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once; invalid values raise ConfigurationError naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigurationError(
            f"invalid setting {env_name(first['loc'])}: {first['msg']}"
            + (f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else "")
        ) from None
    except SettingsError as exc:
        raise ConfigurationError(f"cannot read settings: {exc}") from None


def masked(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data, secrets replaced by '********'."""
    return settings.model_dump(mode="json")
