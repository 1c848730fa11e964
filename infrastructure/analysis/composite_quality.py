"""One QualityAnalyzer over several, each taking the languages it supports."""

from __future__ import annotations

from collections.abc import Sequence

from codemill.domain.code import CodeUnit, Language, SourceFile
from codemill.domain.corpus import QualityMetrics
from codemill.domain.ports.unit_analyzers import QualityAnalyzer
from codemill.infrastructure.analysis.line_counts import line_metrics


class CompositeQualityAnalyzer:
    """QualityAnalyzer that hands each file to the first analyzer supporting its language.

    Contract: with `[RadonQualityAnalyzer(), LizardQualityAnalyzer()]`, Python
    goes to radon and every other supported language to lizard. A language no
    analyzer supports still gets one QualityMetrics per unit, with line counts
    only. Never raises when its analyzers keep their contract.
    """

    def __init__(self, analyzers: Sequence[QualityAnalyzer]) -> None:
        self._analyzers = tuple(analyzers)

    def supports(self, language: Language) -> bool:
        return self._analyzer_for(language) is not None

    def measure(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[QualityMetrics]:
        analyzer = self._analyzer_for(file.language)
        if analyzer is None:
            return [line_metrics(unit.code, unit.language) for unit in units]
        return analyzer.measure(file, units)

    def _analyzer_for(self, language: Language) -> QualityAnalyzer | None:
        return next((analyzer for analyzer in self._analyzers if analyzer.supports(language)), None)
