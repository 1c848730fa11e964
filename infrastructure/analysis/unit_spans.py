"""Line-span arithmetic shared by the adapters that analyse a whole file, then split by unit."""

from __future__ import annotations

from collections.abc import Sequence

from codemill.domain.code import CodeUnit


def indices_containing(units: Sequence[CodeUnit], line: int) -> list[int]:
    """Positions of every unit whose line span holds `line` (innermost and enclosing alike)."""
    return [index for index, unit in enumerate(units) if unit.start_line <= line <= unit.end_line]


def indentation_of_line(text_lines: Sequence[str], line: int) -> str:
    """Leading whitespace of 1-based `line`, or '' when the line does not exist."""
    if not 1 <= line <= len(text_lines):
        return ""
    source_line = text_lines[line - 1]
    return source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
