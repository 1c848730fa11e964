"""What one collect run saw, skipped, rejected and kept: the typed form of a corpus's `stats.json`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class SourceRecord:
    """One collected source: what the user named, and the commit it resolved to ('' when not git)."""

    source: str
    commit: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "commit": self.commit}


@dataclass(frozen=True, kw_only=True)
class FileCounts:
    """Files seen in every source: how many were parsed, how many skipped, and their bytes."""

    seen: int
    parsed: int
    skipped: int
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {"seen": self.seen, "parsed": self.parsed, "skipped": self.skipped, "bytes": self.bytes}


@dataclass(frozen=True, kw_only=True)
class LanguageSummary:
    """One language's parsed files: share parsed without error (0-1), mean parse time, units, bytes,
    and the files with a parse error by error kind."""

    files: int
    parse_success_rate: float
    mean_parse_ms: float
    units: int
    bytes: int
    errors: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "parse_success_rate": self.parse_success_rate,
            "mean_parse_ms": self.mean_parse_ms,
            "units": self.units,
            "bytes": self.bytes,
            "errors": dict(self.errors),
        }


@dataclass(frozen=True, kw_only=True)
class UnitCounts:
    """Units extracted from the parsed files, kept in the corpus, and rejected (filters and duplicates)."""

    extracted: int
    kept: int
    rejected: int

    def to_dict(self) -> dict[str, Any]:
        return {"extracted": self.extracted, "kept": self.kept, "rejected": self.rejected}


@dataclass(frozen=True, kw_only=True)
class DedupSummary:
    """Exact and near duplicates dropped, and their share of the extracted units (0-1)."""

    exact_duplicates: int
    near_duplicates: int
    duplicate_ratio: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "exact_duplicates": self.exact_duplicates,
            "near_duplicates": self.near_duplicates,
            "duplicate_ratio": self.duplicate_ratio,
        }


@dataclass(frozen=True, kw_only=True)
class SecuritySummary:
    """The languages the security scanner ran on, kept units with findings, and findings by test id."""

    scanned_languages: tuple[str, ...]
    units_with_findings: int
    findings_by_test: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scanned_languages": list(self.scanned_languages),
            "units_with_findings": self.units_with_findings,
            "findings_by_test": dict(self.findings_by_test),
        }


@dataclass(frozen=True, kw_only=True)
class CollectTiming:
    """Wall-clock seconds of the run, its throughput in MB of source per second, and its workers."""

    seconds: float
    mb_per_s: float
    workers: int

    def to_dict(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "mb_per_s": self.mb_per_s, "workers": self.workers}


@dataclass(frozen=True, kw_only=True)
class CollectSummary:
    """Everything one collect run counted; `to_dict()` is the corpus's `stats.json`.

    The count maps (skipped files, filtered units, redactions, per-language
    errors, findings) are keyed by reason and sorted by key.
    """

    sources: tuple[SourceRecord, ...]
    files: FileCounts
    skipped: Mapping[str, int]  # skip reason -> files
    languages: Mapping[str, LanguageSummary]  # language -> its parsed files
    units: UnitCounts
    filters: Mapping[str, int]  # filter name -> units it rejected
    dedup: DedupSummary
    redactions: Mapping[str, int]  # placeholder kind -> replacements
    security: SecuritySummary
    timing: CollectTiming

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form, key for key the layout of `stats.json`."""
        return {
            "sources": [s.to_dict() for s in self.sources],
            "files": self.files.to_dict(),
            "skipped": dict(self.skipped),
            "languages": {name: s.to_dict() for name, s in self.languages.items()},
            "units": self.units.to_dict(),
            "filters": dict(self.filters),
            "dedup": self.dedup.to_dict(),
            "redactions": dict(self.redactions),
            "security": self.security.to_dict(),
            "timing": self.timing.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CollectSummary:
        """Read back what `to_dict()` wrote (a corpus's `stats.json`)."""
        security = data["security"]
        return cls(
            sources=tuple(SourceRecord(**s) for s in data["sources"]),
            files=FileCounts(**data["files"]),
            skipped=dict(data["skipped"]),
            languages={name: LanguageSummary(**s) for name, s in data["languages"].items()},
            units=UnitCounts(**data["units"]),
            filters=dict(data["filters"]),
            dedup=DedupSummary(**data["dedup"]),
            redactions=dict(data["redactions"]),
            security=SecuritySummary(
                scanned_languages=tuple(security["scanned_languages"]),
                units_with_findings=security["units_with_findings"],
                findings_by_test=dict(security["findings_by_test"]),
            ),
            timing=CollectTiming(**data["timing"]),
        )
