"""The quality analyzer of each metrics level of the collect step."""

from __future__ import annotations

from codemill.domain.ports.unit_analyzers import QualityAnalyzer
from codemill.infrastructure.analysis.composite_quality import CompositeQualityAnalyzer
from codemill.infrastructure.analysis.lizard_quality import LizardQualityAnalyzer
from codemill.infrastructure.analysis.radon_quality import RadonQualityAnalyzer


def quality_analyzer(metrics: str) -> QualityAnalyzer:
    """'full': radon for Python, lizard for the rest; 'fast': the same without radon's heavier metrics.

    With 'fast', Python units keep plain line counts and radon's cyclomatic
    complexity and rank (the same values as 'full', so labels built on them
    do not change); the maintainability index and Halstead volume stay None.
    Other languages get lizard's metrics either way.
    """
    if metrics == "fast":
        return CompositeQualityAnalyzer([RadonQualityAnalyzer(complexity_only=True), LizardQualityAnalyzer()])
    if metrics == "full":
        return CompositeQualityAnalyzer([RadonQualityAnalyzer(), LizardQualityAnalyzer()])
    raise ValueError(f"unknown metrics level {metrics!r}")
