"""Ports: measuring, scanning and cleaning code units."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from codemill.domain.code import CodeUnit, Language, SourceFile
from codemill.domain.corpus import QualityMetrics, SecurityFinding


class QualityAnalyzer(Protocol):
    """Size and complexity metrics.

    Contract: returns exactly one QualityMetrics per unit, in the order given;
    a unit the tool cannot measure gets a QualityMetrics whose tool-specific
    fields are None; never raises for bad code.
    """

    def supports(self, language: Language) -> bool: ...

    def measure(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[QualityMetrics]: ...


class SecurityScanner(Protocol):
    """Static security findings, attributed to the units whose lines contain them.

    Contract: one tuple per unit, in order (empty when clean or unsupported);
    analyses the whole file once, not unit by unit; never raises for bad code.
    """

    def supports(self, language: Language) -> bool: ...

    def scan(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[tuple[SecurityFinding, ...]]: ...


class Redactor(Protocol):
    """Replaces secrets and personal data with placeholders.

    Contract: returns the cleaned text and the number of replacements per
    kind (e.g. {'<SECRET>': 1, '<EMAIL>': 2}); text without anything to hide
    comes back unchanged with an empty dict; placeholders are never
    themselves redacted again.
    """

    def redact(self, text: str) -> tuple[str, dict[str, int]]: ...
