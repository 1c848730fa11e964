"""Metrics for the languages other than Python, from lizard: complexity, tokens, parameters."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from lizard import analyze_file

from codemill.domain.code import CodeUnit, Language, SourceFile, UnitKind
from codemill.domain.corpus import QualityMetrics
from codemill.domain.quality_rank import rank_for_complexity
from codemill.infrastructure.analysis.line_counts import line_metrics

# The file name lizard sees picks its reader; the language decides it, not the path.
_LIZARD_FILE_NAMES: dict[Language, str] = {
    Language.C: "unit.c",
    Language.CPP: "unit.cpp",
    Language.JAVA: "unit.java",
    Language.CSHARP: "unit.cs",
    Language.JAVASCRIPT: "unit.js",
    Language.TYPESCRIPT: "unit.ts",
    Language.TSX: "unit.tsx",
    Language.GO: "unit.go",
    Language.RUST: "unit.rs",
    Language.RUBY: "unit.rb",
    Language.PHP: "unit.php",
    Language.KOTLIN: "unit.kt",
}


class LizardQualityAnalyzer:
    """QualityAnalyzer for C, C++, Java, C#, JavaScript, TypeScript/TSX, Go, Rust, Ruby, PHP, Kotlin.

    Contract: one QualityMetrics per unit, in order; the file is analysed by
    lizard once. A function or method unit takes the lizard function that
    starts inside its line span, preferring the same name, then the earliest
    start (its own definition rather than a lambda nested in it): cyclomatic
    complexity, token count and parameter count. A class unit aggregates the
    lizard functions starting inside it (nested lambdas included) the way
    radon scores a Python class: cyclomatic = (1 + sum of their complexities)
    // count, plus 1 when there are several; a class without functions scores
    1; token count is the sum of theirs (None without any); parameter count
    stays None. Ranks use
    radon's thresholds. Loc/sloc/comment lines are counted from the unit's own
    lines. A unit lizard reports nothing for keeps None in lizard's fields.
    Maintainability index and Halstead volume are Python-only (None). Never raises.
    """

    def supports(self, language: Language) -> bool:
        return language in _LIZARD_FILE_NAMES

    def measure(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[QualityMetrics]:
        functions = sorted(self._functions(file), key=lambda function: function.start_line)
        starts = [function.start_line for function in functions]

        def starting_inside(unit: CodeUnit) -> list[Any]:
            return functions[bisect_left(starts, unit.start_line) : bisect_right(starts, unit.end_line)]

        return [_metrics_for(unit, starting_inside(unit)) for unit in units]

    def _functions(self, file: SourceFile) -> list[Any]:
        file_name = _LIZARD_FILE_NAMES.get(file.language)
        if file_name is None:
            return []
        try:
            return list(analyze_file.analyze_source_code(file_name, file.text).function_list)
        except Exception:  # lizard's readers are heuristic; odd code must not stop a collection
            return []


def _metrics_for(unit: CodeUnit, inside: Sequence[Any]) -> QualityMetrics:
    """Metrics from the lizard functions that start inside the unit's line span."""
    lines = line_metrics(unit.code, unit.language)
    if unit.kind is UnitKind.CLASS:
        tokens = sum(int(function.token_count) for function in inside) if inside else None
        return _with_complexity(lines, _class_complexity(inside), tokens, None)
    best = _best_match(unit, inside)
    if best is None:
        return lines
    return _with_complexity(lines, best.cyclomatic_complexity, best.token_count, best.parameter_count)


def _best_match(unit: CodeUnit, candidates: Sequence[Any]) -> Any | None:
    if not candidates:
        return None

    def score(function: Any) -> tuple[bool, int]:
        same_name = _short_name(function.name) == unit.name
        return (not same_name, function.start_line)

    return min(candidates, key=score)


def _short_name(lizard_name: str) -> str:
    """'Outer::Inner::method' or 'pkg.method' -> 'method'."""
    return lizard_name.replace("::", ".").rsplit(".", 1)[-1]


def _class_complexity(functions: Sequence[Any]) -> int:
    if not functions:
        return 1
    real = 1 + sum(int(function.cyclomatic_complexity) for function in functions)
    return real // len(functions) + (len(functions) > 1)


def _with_complexity(
    lines: QualityMetrics, cyclomatic: int, token_count: int | None, parameter_count: int | None
) -> QualityMetrics:
    return replace(
        lines,
        cyclomatic=cyclomatic,
        complexity_rank=rank_for_complexity(cyclomatic),
        token_count=token_count,
        parameter_count=parameter_count,
    )
