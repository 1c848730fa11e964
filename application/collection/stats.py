"""Counting everything the collect step sees, skips, rejects and keeps."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from codemill.application.collection.file_processor import FileResult
from codemill.application.collection.summary import (
    CollectSummary,
    CollectTiming,
    DedupSummary,
    FileCounts,
    LanguageSummary,
    SecuritySummary,
    SourceRecord,
    UnitCounts,
)


@dataclass
class _LanguageStats:
    files: int = 0
    clean: int = 0
    bytes: int = 0
    parse_ms: float = 0.0
    units: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def summary(self) -> LanguageSummary:
        return LanguageSummary(
            files=self.files,
            parse_success_rate=round(self.clean / self.files, 4) if self.files else 0.0,
            mean_parse_ms=round(self.parse_ms / self.files, 3) if self.files else 0.0,
            units=self.units,
            bytes=self.bytes,
            errors=dict(sorted(self.errors.items())),
        )


@dataclass
class CollectStats:
    """Accumulates per-file results and per-unit decisions into a CollectSummary (`stats.json`)."""

    files_seen: int = 0
    bytes_seen: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    languages: defaultdict[str, _LanguageStats] = field(default_factory=lambda: defaultdict(_LanguageStats))
    filters: Counter[str] = field(default_factory=Counter)
    dedup: Counter[str] = field(default_factory=Counter)
    redactions: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    units_with_findings: int = 0
    extracted: int = 0
    kept: int = 0
    sources: list[SourceRecord] = field(default_factory=list)
    scanned_languages: set[str] = field(default_factory=set)

    def skip(self, reason: str) -> None:
        self.files_seen += 1
        self.skipped[reason] += 1

    def add_file(self, result: FileResult, *, units: int | None = None) -> None:
        """One processed file; `units` is its unit count when its candidates are not carried along."""
        count = len(result.candidates) if units is None else units
        self.files_seen += 1
        self.bytes_seen += result.size
        if result.skip_reason is not None:
            self.skipped[result.skip_reason] += 1
            return
        lang = self.languages[str(result.language)]
        lang.files += 1
        lang.bytes += result.size
        lang.parse_ms += result.parse_ms
        lang.units += count
        self.extracted += count
        if result.security_scanned:
            self.scanned_languages.add(str(result.language))
        if result.parse_error:
            lang.errors[result.parse_error] += 1
        else:
            lang.clean += 1

    def add_extracted(self, redactions: Mapping[str, int]) -> None:
        """Every extracted unit: redactions happen before any unit is stored, kept or rejected."""
        self.redactions.update(redactions)

    def add_kept(self, findings: Sequence[str]) -> None:
        """A kept unit, with the test ids of its security findings."""
        self.kept += 1
        if findings:
            self.units_with_findings += 1
            self.findings.update(findings)

    def summary(self, *, seconds: float, workers: int) -> CollectSummary:
        """Everything counted so far, for a run that took `seconds` with `workers` worker processes."""
        return CollectSummary(
            sources=tuple(self.sources),
            files=FileCounts(
                seen=self.files_seen,
                parsed=sum(s.files for s in self.languages.values()),
                skipped=sum(self.skipped.values()),
                bytes=self.bytes_seen,
            ),
            skipped=dict(sorted(self.skipped.items())),
            languages={name: s.summary() for name, s in sorted(self.languages.items())},
            units=UnitCounts(
                extracted=self.extracted,
                kept=self.kept,
                rejected=sum(self.filters.values()) + sum(self.dedup.values()),
            ),
            filters=dict(sorted(self.filters.items())),
            dedup=self._dedup_summary(),
            redactions=dict(sorted(self.redactions.items())),
            security=self._security_summary(),
            timing=CollectTiming(
                seconds=round(seconds, 3),
                mb_per_s=round(self.bytes_seen / 1e6 / seconds, 3) if seconds > 0 else 0.0,
                workers=workers,
            ),
        )

    def _dedup_summary(self) -> DedupSummary:
        dropped = sum(self.dedup.values())
        return DedupSummary(
            exact_duplicates=self.dedup["exact_duplicate"],
            near_duplicates=self.dedup["near_duplicate"],
            duplicate_ratio=round(dropped / self.extracted, 4) if self.extracted else 0.0,
        )

    def _security_summary(self) -> SecuritySummary:
        return SecuritySummary(
            scanned_languages=tuple(sorted(self.scanned_languages)),
            units_with_findings=self.units_with_findings,
            findings_by_test=dict(sorted(self.findings.items())),
        )
