"""Per-file work of the collect step: screen, parse, measure, scan, redact, flag."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from codemill.domain.code import CodeUnit, Language, SourceFile
from codemill.domain.corpus import QualityMetrics, SecurityFinding, UnitRecord
from codemill.domain.file_screening import ScreeningLimits, screen_file
from codemill.domain.language_detection import detect_language
from codemill.domain.ports.code_parser import CodeParser
from codemill.domain.ports.unit_analyzers import QualityAnalyzer, Redactor, SecurityScanner
from codemill.domain.sources import RawFile
from codemill.domain.unit_filters import FilterConfig, rejection_reasons, unit_flags


@dataclass(frozen=True, kw_only=True)
class CollectOptions:
    """Everything a worker needs to process files; picklable."""

    limits: ScreeningLimits = field(default_factory=ScreeningLimits)
    filters: FilterConfig = field(default_factory=FilterConfig)
    languages: frozenset[Language] | None = None  # None: every supported language
    apply_filters: bool = True
    security: bool = True
    redact: bool = True
    parse_timeout_ms: int = 5000
    metrics: str = "full"  # 'full': radon's metrics for Python; 'fast': line counts and complexity only


@dataclass(frozen=True, kw_only=True)
class UnitCandidate:
    record: UnitRecord
    rejections: tuple[str, ...]  # filter names; empty when the unit passes
    fingerprint: bytes | None = None  # near-dedup signature, computed in the worker


@dataclass(frozen=True, kw_only=True)
class FileResult:
    """The outcome of one file: skipped with a reason, or parsed into candidates."""

    path: str
    source: str
    size: int
    language: Language | None = None
    skip_reason: str | None = None
    parse_ms: float = 0.0
    parse_error: str | None = None  # 'syntax_errors', 'timeout', ...
    security_scanned: bool = False  # the security scanner ran on this file
    candidates: tuple[UnitCandidate, ...] = ()


class FileProcessor:
    """Turns one RawFile into a FileResult; built once per worker process.

    - Files the screen refuses (size, binary, encoding, minified, generated,
      lockfiles) or of an unwanted language come back with `skip_reason`.
    - Secrets and personal data are replaced before the result leaves the
      worker, so nothing unredacted is ever stored.
    """

    def __init__(
        self,
        *,
        parser: CodeParser,
        quality: QualityAnalyzer,
        security: SecurityScanner | None,
        redactor: Redactor | None,
        options: CollectOptions,
        fingerprints: Callable[[Sequence[CodeUnit]], list[bytes]] | None = None,
    ) -> None:
        self._parser = parser
        self._quality = quality
        self._security = security if options.security else None
        self._redactor = redactor if options.redact else None
        self._options = options
        self._fingerprints = fingerprints

    def process(self, raw: RawFile) -> FileResult:
        base = FileResult(path=raw.path, source=raw.source, size=len(raw.data))
        screened = screen_file(raw.path, raw.data, self._options.limits)
        if screened.text is None:
            return dataclasses.replace(base, skip_reason=screened.reason)
        language = detect_language(raw.path, screened.text[:200])
        wanted = self._options.languages
        if language is None or not self._parser.supports(language):
            return dataclasses.replace(base, skip_reason="unsupported_language")
        if wanted is not None and language not in wanted:
            return dataclasses.replace(base, language=language, skip_reason="language_not_selected")
        file = SourceFile(
            path=raw.path, language=language, text=screened.text, source=raw.source, commit=raw.commit
        )
        outcome = self._parser.extract(file)
        candidates = self._candidates(file, outcome.units)
        scanned = self._security is not None and self._security.supports(language)
        return dataclasses.replace(
            base,
            security_scanned=scanned,
            language=language,
            parse_ms=outcome.parse_ms,
            parse_error=outcome.error_kind,
            candidates=candidates,
        )

    def _candidates(self, file: SourceFile, units: Sequence[CodeUnit]) -> tuple[UnitCandidate, ...]:
        if not units:
            return ()
        metrics = self._measure(file, units)
        findings = self._scan(file, units)
        rows = []
        for unit, quality, found in zip(units, metrics, findings, strict=True):
            clean, redactions = self._redact(unit)
            record = UnitRecord(
                unit=clean, quality=quality, findings=found, flags=unit_flags(unit), redactions=redactions
            )
            reasons = rejection_reasons(unit, self._options.filters) if self._options.apply_filters else []
            rows.append((record, tuple(reasons)))
        prints = self._fingerprints_of([record.unit for record, reasons in rows if not reasons])
        return tuple(
            UnitCandidate(record=record, rejections=reasons, fingerprint=None if reasons else next(prints))
            for record, reasons in rows
        )

    def _fingerprints_of(self, units: list[CodeUnit]) -> Iterator[bytes | None]:
        if self._fingerprints is None or not units:
            return itertools.repeat(None)
        return iter(self._fingerprints(units))

    def _measure(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[QualityMetrics]:
        if self._quality.supports(file.language):
            return self._quality.measure(file, units)
        return [QualityMetrics() for _ in units]

    def _scan(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[tuple[SecurityFinding, ...]]:
        if self._security is not None and self._security.supports(file.language):
            return self._security.scan(file, units)
        return [() for _ in units]

    def _redact(self, unit: CodeUnit) -> tuple[CodeUnit, dict[str, int]]:
        if self._redactor is None:
            return unit, {}
        code, counts = self._redactor.redact(unit.code)
        if not counts and not unit.docstring:
            return unit, {}
        without, _ = self._redactor.redact(unit.code_without_docstring)
        signature, _ = self._redactor.redact(unit.signature)
        docstring = unit.docstring
        if docstring:
            docstring, doc_counts = self._redactor.redact(docstring)
            if unit.language is not Language.PYTHON:  # a Python docstring is part of `code`
                for kind, n in doc_counts.items():
                    counts[kind] = counts.get(kind, 0) + n
        if not counts:
            return unit, {}
        changed = dataclasses.replace(
            unit, code=code, code_without_docstring=without, signature=signature, docstring=docstring
        )
        return changed, counts
