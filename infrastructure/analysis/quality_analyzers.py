"""The quality analyzer of each metrics level of the collect step."""

from __future__ import annotations

from codemill.domain.ports.unit_analyzers import QualityAnalyzer
from codemill.infrastructure.analysis.composite_quality import CompositeQualityAnalyzer
from codemill.infrastructure.analysis.lizard_quality import LizardQualityAnalyzer
from codemill.infrastructure.analysis.radon_quality import RadonQualityAnalyzer


def quality_analyzer(metrics: str) -> QualityAnalyzer:
    """'full': radon for Python, lizard for the rest; 'fast': lizard for every language it reads.

    With 'fast', Python units keep line counts and lizard's cyclomatic
    complexity (and rank), tokens and parameters; radon's maintainability
    index and Halstead volume stay None.
    """
    if metrics == "fast":
        return LizardQualityAnalyzer(python=True)
    if metrics == "full":
        return CompositeQualityAnalyzer([RadonQualityAnalyzer(), LizardQualityAnalyzer()])
    raise ValueError(f"unknown metrics level {metrics!r}")
