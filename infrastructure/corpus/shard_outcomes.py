"""The completion record of a staged shard: its ShardOutcome as JSON (fingerprints in base64)."""

from __future__ import annotations

import base64
import json
from typing import Any

from codemill.application.collection.file_processor import FileResult
from codemill.application.collection.shards import ShardOutcome, UnitKey
from codemill.domain.code import Language

OUTCOME_FORMAT = "codemill-shard-outcome/1"


def encode_outcome(outcome: ShardOutcome, *, records_sha256: str) -> bytes:
    document = {
        "format": OUTCOME_FORMAT,
        "index": outcome.index,
        "key": outcome.key,
        "records_sha256": records_sha256,
        "files": [
            _file(result, count) for result, count in zip(outcome.files, outcome.unit_counts, strict=True)
        ],
        "units": [_unit(unit) for unit in outcome.units],
    }
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def decode_outcome(data: bytes) -> tuple[ShardOutcome, str]:
    """The outcome and the sha256 of the records it describes; ValueError/KeyError/TypeError if malformed."""
    document = json.loads(data)
    if document.get("format") != OUTCOME_FORMAT:
        raise ValueError(f"not a {OUTCOME_FORMAT} record")
    files = [_read_file(item) for item in document["files"]]
    outcome = ShardOutcome(
        index=int(document["index"]),
        key=str(document["key"]),
        files=tuple(result for result, _ in files),
        unit_counts=tuple(count for _, count in files),
        units=tuple(_read_unit(item) for item in document["units"]),
    )
    return outcome, str(document["records_sha256"])


def _file(result: FileResult, units: int) -> dict[str, Any]:
    return {
        "path": result.path,
        "source": result.source,
        "size": result.size,
        "language": result.language.value if result.language is not None else None,
        "skip_reason": result.skip_reason,
        "parse_ms": result.parse_ms,
        "parse_error": result.parse_error,
        "security_scanned": result.security_scanned,
        "units": units,
    }


def _read_file(item: dict[str, Any]) -> tuple[FileResult, int]:
    language = item["language"]
    result = FileResult(
        path=str(item["path"]),
        source=str(item["source"]),
        size=int(item["size"]),
        language=Language(language) if language is not None else None,
        skip_reason=item["skip_reason"],
        parse_ms=float(item["parse_ms"]),
        parse_error=item["parse_error"],
        security_scanned=bool(item["security_scanned"]),
    )
    return result, int(item["units"])


def _unit(unit: UnitKey) -> dict[str, Any]:
    fingerprint = base64.b64encode(unit.fingerprint).decode() if unit.fingerprint is not None else None
    return {
        "id": unit.id,
        "fingerprint": fingerprint,
        "rejections": list(unit.rejections),
        "redactions": dict(unit.redactions),
        "findings": list(unit.findings),
    }


def _read_unit(item: dict[str, Any]) -> UnitKey:
    fingerprint = item["fingerprint"]
    return UnitKey(
        id=str(item["id"]),
        fingerprint=base64.b64decode(fingerprint) if fingerprint is not None else None,
        rejections=tuple(item["rejections"]),
        redactions={str(k): int(v) for k, v in item["redactions"].items()},
        findings=tuple(item["findings"]),
    )
