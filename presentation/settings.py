"""One settings tree, read from CODEMILL_* environment variables and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from codemill.domain.errors import ConfigurationError

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


class CollectSettings(BaseModel):
    """Limits and thresholds of `codemill collect`."""

    workers: int = Field(0, ge=0, description="Worker processes; 0 means one per CPU core.")
    executor: Literal["local", "ray"] = Field(
        "local", description="Where collection runs: this machine's process pool, or Ray (codemill[ray])."
    )
    ray_address: str = Field(
        "", description="Ray cluster to join (HOST:PORT of its head); empty: start a local Ray."
    )
    metrics: Literal["full", "fast"] = Field(
        "full", description="Python metrics: radon's full set, or line counts and complexity only (faster)."
    )
    max_file_bytes: int = Field(
        1_000_000, gt=0, description="Files larger than this are skipped (too_large)."
    )
    parse_timeout_ms: int = Field(5000, gt=0, description="Parse time limit per file.")
    redact: bool = Field(True, description="Replace secrets, e-mails and IP addresses with placeholders.")
    max_line_length: int = Field(1000, gt=0, description="Reject units with a longer line.")
    max_mean_line_length: float = Field(100.0, gt=0, description="Reject units whose mean line is longer.")
    min_alnum_fraction: float = Field(0.25, ge=0, le=1, description="Reject units with fewer alphanumerics.")
    min_lines: int = Field(2, ge=1, description="Reject units with fewer non-blank lines.")
    max_lines: int = Field(1000, ge=1, description="Reject units with more lines.")
    dedup_threshold: float = Field(0.7, gt=0, le=1, description="Jaccard similarity of near duplicates.")
    dedup_num_perm: int = Field(256, ge=16, description="MinHash permutations.")
    dedup_bands: int = Field(25, ge=1, description="LSH bands (bands x rows <= permutations).")
    dedup_rows: int = Field(10, ge=1, description="LSH rows per band.")
    dedup_shingle_size: int = Field(5, ge=1, description="Tokens per shingle.")
    shard_files: int = Field(
        32, ge=1, description="Files per shard: the unit of scheduling, output (one Parquet each) and resume."
    )


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
    cache_dir: Path = Field(
        Path("~/.cache/codemill"), description="Local copies of datasets and models read from storage."
    )
    work_dir: Path = Field(Path("codemill-work"), description="Local run folders (checkpoints) of training.")
    storage: StorageSettings = Field(default_factory=StorageSettings)  # type: ignore[arg-type]
    collect: CollectSettings = Field(default_factory=CollectSettings)  # type: ignore[arg-type]


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


def reference_rows(model: type[BaseModel] = Settings, location: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Every setting as {variable, default, meaning}, for the docs and `config show --reference`."""
    rows: list[dict[str, str]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows += reference_rows(annotation, (*location, name))
            continue
        default = "" if field.default is None else str(field.default)
        rows.append(
            {"variable": env_name((*location, name)), "default": default, "meaning": field.description or ""}
        )
    return rows
