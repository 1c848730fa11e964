"""Conditional PUTs on S3 (`If-None-Match: *`) and the probe that tells whether a server honours them."""

from __future__ import annotations

import logging
import uuid
from typing import Any

log = logging.getLogger("codemill.storage")

PROBE_PREFIX = ".codemill/probe/"  # reserved: the probe's objects live here for a moment, then go
_TAKEN_STATUSES = frozenset({409, 412})  # 412 PreconditionFailed; 409 ConditionalRequestConflict (AWS)
_TAKEN_CODES = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})
_UNSUPPORTED_CODES = frozenset({"NotImplemented", "InvalidArgument", "InvalidRequest"})


def put_if_absent(client: Any, bucket: str, object_key: str, data: bytes) -> bool:
    """PUT with `If-None-Match: *`: False when the server answers that the key is taken.

    Any other failure propagates as botocore's ClientError (callers map it).
    """
    from botocore.exceptions import ClientError

    try:
        client.put_object(Bucket=bucket, Key=object_key, Body=data, IfNoneMatch="*")
    except ClientError as exc:
        if _is_taken(exc.response):
            return False
        raise
    return True


def honours_if_none_match(client: Any, bucket: str, base: str) -> bool:
    """Create one probe object twice under `base + PROBE_PREFIX`, then delete it.

    True when the first PUT succeeded and the second was refused as taken;
    False when the server ignored the header (both succeeded) or refused it
    as not implemented. Other failures (access, network) propagate.
    """
    from botocore.exceptions import ClientError

    object_key = f"{base}{PROBE_PREFIX}{uuid.uuid4().hex}"
    try:
        first = put_if_absent(client, bucket, object_key, b"probe")
        second = put_if_absent(client, bucket, object_key, b"probe")
    except ClientError as exc:
        if _error_code(exc.response) not in _UNSUPPORTED_CODES:
            raise
        log.warning("S3 server refused If-None-Match (%s)", _error_code(exc.response))
        return False
    finally:
        _delete_quietly(client, bucket, object_key)
    return first and not second


def _delete_quietly(client: Any, bucket: str, object_key: str) -> None:
    """A probe object left behind is harmless: a failure to delete it must not hide the probe's own."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client.delete_object(Bucket=bucket, Key=object_key)
    except (BotoCoreError, ClientError):
        log.debug("could not delete the probe object %s", object_key)


def _is_taken(response: Any) -> bool:
    return _error_code(response) in _TAKEN_CODES or _status(response) in _TAKEN_STATUSES


def _error_code(response: Any) -> str:
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    return str(error.get("Code") or "")


def _status(response: Any) -> int:
    meta = response.get("ResponseMetadata", {}) if isinstance(response, dict) else {}
    return int(meta.get("HTTPStatusCode") or 0)
