"""Language-aware line counting for units no tool counts: loc, sloc and comment lines."""

from __future__ import annotations

from codemill.domain.code import Language
from codemill.domain.corpus import QualityMetrics

_C_STYLE = ("//", "/*", "*", "*/")
_COMMENT_PREFIXES: dict[Language, tuple[str, ...]] = {
    Language.PYTHON: ("#",),
    Language.RUBY: ("#", "=begin", "=end"),
    Language.PHP: (*_C_STYLE, "#"),
}


def count_lines(code: str, language: Language) -> tuple[int, int, int]:
    """(loc, sloc, comments): all lines, non-blank non-comment lines, comment lines.

    A comment line is a line whose first non-blank characters open or continue
    a comment (`//`, `/*`, `*`, `#`, ...); code followed by a comment is code.
    """
    prefixes = _COMMENT_PREFIXES.get(language, _C_STYLE)
    lines = code.splitlines()
    stripped = [line.strip() for line in lines]
    comments = sum(1 for line in stripped if line.startswith(prefixes))
    blank = sum(1 for line in stripped if not line)
    return len(lines), len(lines) - blank - comments, comments


def line_metrics(code: str, language: Language) -> QualityMetrics:
    """QualityMetrics with only the line counts filled in."""
    loc, sloc, comments = count_lines(code, language)
    return QualityMetrics(loc=loc, sloc=sloc, comments=comments)
