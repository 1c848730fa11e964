"""Shards of a collection: files grouped for scheduling, output and resume, and what comes back of each."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from codemill.application.collection.file_processor import FileResult, UnitCandidate
from codemill.domain.sources import RawFile

SHARD_FILES = 32
SHARD_BYTES = 4_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class FileShard:
    """Consecutive files of the sources; `key` changes when any file, its order or the options change."""

    index: int
    key: str
    files: tuple[RawFile, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitKey:
    """What the driver learns of one unit: enough to count it and deduplicate it, never its code."""

    id: str
    fingerprint: bytes | None
    rejections: tuple[str, ...] = ()
    redactions: Mapping[str, int] = field(default_factory=dict)
    findings: tuple[str, ...] = ()  # security test ids

    @classmethod
    def of(cls, candidate: UnitCandidate) -> UnitKey:
        record = candidate.record
        return cls(
            id=record.unit.id,
            fingerprint=candidate.fingerprint,
            rejections=candidate.rejections,
            redactions=dict(record.redactions),
            findings=tuple(finding.test_id for finding in record.findings),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ShardOutcome:
    """One processed shard: each file's result (without its units) and unit count, and each unit's key.

    `units` are in the order of the shard's staged records.
    """

    index: int
    key: str
    files: tuple[FileResult, ...]
    unit_counts: tuple[int, ...]
    units: tuple[UnitKey, ...]


@dataclass(frozen=True, slots=True)
class UnitDecision:
    """Kept (no reason) or rejected with a filter or duplicate reason; the cluster either way."""

    cluster_id: str
    reason: str | None = None
    duplicate_of: str | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ShardDecisions:
    index: int
    key: str
    decisions: tuple[UnitDecision, ...]


def plan_shards(
    files: Iterable[RawFile], *, salt: str, max_files: int = SHARD_FILES, max_bytes: int = SHARD_BYTES
) -> Iterator[FileShard]:
    """Groups files in order into shards of at most `max_files` files and (past one file) `max_bytes`."""
    batch: list[RawFile] = []
    size = 0
    index = 0
    for raw in files:
        if batch and (len(batch) >= max_files or size + len(raw.data) > max_bytes):
            yield _shard(index, batch, salt)
            index, batch, size = index + 1, [], 0
        batch.append(raw)
        size += len(raw.data)
    if batch:
        yield _shard(index, batch, salt)


def _shard(index: int, files: list[RawFile], salt: str) -> FileShard:
    digest = hashlib.sha256(f"{salt}\0{index}".encode())
    for raw in files:
        digest.update(f"\0{raw.source}\0{raw.commit}\0{raw.path}\0".encode())
        digest.update(hashlib.sha256(raw.data).digest())
    return FileShard(index=index, key=digest.hexdigest()[:24], files=tuple(files))
