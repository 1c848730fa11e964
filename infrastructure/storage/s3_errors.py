"""Turning botocore failures into the domain's storage errors, one clear line each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from codemill.domain.errors import (
    ArtifactNotFoundError,
    StorageAccessDeniedError,
    StorageError,
    StorageUnavailableError,
)
from codemill.infrastructure.storage.s3_presets import env_var

_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NotFound", "404"})
_ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "InvalidToken",
        "TokenRefreshRequired",
        "AllAccessDisabled",
        "403",
    }
)
_SERVER_TROUBLE_CODES = frozenset({"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"})
_CREDENTIAL_VARS = f"{env_var('access_key_id')} and {env_var('secret_access_key')}"


@dataclass(frozen=True, slots=True)
class S3Target:
    """What an error message names: the endpoint, the bucket and the store's location."""

    endpoint: str
    bucket: str
    location: str


@contextmanager
def s3_errors(target: S3Target, key: str | None = None) -> Iterator[None]:
    """Re-raise botocore failures inside the block as StorageError subclasses.

    `key` is the caller's key (without the store prefix): with a key, a 404
    means the object is missing; without one, it means the bucket is.
    """
    from botocore import exceptions as boto_errors

    try:
        yield
    except boto_errors.ClientError as exc:
        raise storage_error_from_response(exc.response, target, key) from exc
    except (
        boto_errors.NoCredentialsError,
        boto_errors.PartialCredentialsError,
        boto_errors.CredentialRetrievalError,
    ) as exc:
        raise StorageAccessDeniedError(
            f"no usable S3 credentials for {target.location}: set {_CREDENTIAL_VARS} "
            f"(or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"
        ) from exc
    except (boto_errors.ConnectionError, boto_errors.HTTPClientError, boto_errors.IncompleteReadError) as exc:
        raise StorageUnavailableError(
            f"cannot reach S3 endpoint {target.endpoint} ({_network_reason(exc)}); "
            f"check that the server is up and {env_var('endpoint_url')} is right"
        ) from exc


def storage_error_from_response(response: Any, target: S3Target, key: str | None) -> StorageError:
    """The StorageError that an S3 error response (ClientError.response) stands for."""
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    code = str(error.get("Code") or "")
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    what = f"{key!r} in {target.location}" if key is not None else target.location
    if code == "NoSuchBucket" or (status == 404 and key is None):
        return StorageError(
            f"S3 bucket {target.bucket!r} does not exist at {target.endpoint}: "
            f"create it or set {env_var('bucket')} to an existing bucket"
        )
    if code in _NOT_FOUND_CODES or status == 404:
        return ArtifactNotFoundError(f"no artifact {what}")
    if code in _ACCESS_DENIED_CODES or status == 403:
        return StorageAccessDeniedError(
            f"S3 denied access to {what} ({code or status}): check {_CREDENTIAL_VARS} "
            f"and the permissions on bucket {target.bucket!r}"
        )
    if code in _SERVER_TROUBLE_CODES or status >= 500:
        return StorageUnavailableError(
            f"S3 endpoint {target.endpoint} failed on {what} ({code or status}); try again later"
        )
    message = str(error.get("Message") or "no details").splitlines()[0]
    return StorageError(f"S3 request on {what} failed ({code or status}): {message}")


def _network_reason(exc: BaseException) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if name == "EndpointConnectionError":
        return "connection failed"
    if name in {"ConnectionClosedError", "ResponseStreamingError", "IncompleteReadError"}:
        return "connection closed mid-transfer"
    return name
