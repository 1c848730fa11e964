"""What the collect step attaches to each code unit, and the corpus record it stores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from codemill.domain.code import CodeUnit


@dataclass(frozen=True, slots=True, kw_only=True)
class QualityMetrics:
    """Size and complexity of one unit. Fields a tool does not measure stay None."""

    cyclomatic: int | None = None
    complexity_rank: str | None = None  # radon's A (simple) .. F (very complex)
    maintainability_index: float | None = None
    halstead_volume: float | None = None
    loc: int = 0
    sloc: int = 0
    comments: int = 0
    token_count: int | None = None
    parameter_count: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityFinding:
    """One static-analysis finding inside a unit (bandit for Python)."""

    test_id: str  # e.g. 'B602'
    test_name: str
    cwe: int | None
    severity: str  # LOW | MEDIUM | HIGH
    confidence: str  # LOW | MEDIUM | HIGH
    line: int  # 1-based line in the file
    message: str


@dataclass(frozen=True, kw_only=True)
class UnitRecord:
    """A code unit with everything measured about it; one row of a corpus."""

    unit: CodeUnit
    quality: QualityMetrics = field(default_factory=QualityMetrics)
    findings: tuple[SecurityFinding, ...] = ()
    flags: frozenset[str] = frozenset()  # e.g. {'test'}: facts, not reasons to drop
    redactions: Mapping[str, int] = field(default_factory=dict)  # placeholder kind -> count
    cluster_id: str = ""  # near-duplicate cluster; equals unit.id for a cluster's representative


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """Why a unit was left out of a corpus (it is still written to `rejected/`)."""

    reason: str  # a filter name ('max_line_length', ...) or 'exact_duplicate' / 'near_duplicate'
    duplicate_of: str | None = None  # id of the kept unit, for duplicates
    detail: str = ""
