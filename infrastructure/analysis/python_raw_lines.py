"""radon's raw line counts for Python (`radon.raw.analyze`), for all the units of a file at once."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from radon.raw import Module

from codemill.domain.code import CodeUnit
from codemill.infrastructure.analysis.python_raw_chunks import ZERO, Tally, chunks

_LINE_BREAKS_BESIDES_NEWLINE = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def raw_analyze(source: str) -> Module:
    """Equal to `radon.raw.analyze(source)`, and raising SyntaxError where it does."""
    return _module(_sum(chunks([line.strip() for line in source.splitlines()])))


class FileRawLines:
    """radon's raw counts for the code of each unit of one file, from one pass over its lines.

    Each outermost unit is split into chunks on its own text, exactly as
    radon would split its code; a unit inside it that starts where one of
    those chunks starts adds up the chunks before its last one, and that
    last chunk is counted again on the unit's own text when the unit ends
    inside it or before the end of its line (a trailing comment). Any other
    unit, and every unit of a file with line breaks besides newlines (radon
    splits lines on those too), is analysed on its own code.
    """

    def __init__(self, text: str, units: Sequence[CodeUnit]) -> None:
        self._lines = (
            [] if _LINE_BREAKS_BESIDES_NEWLINE.search(text) else [line.strip() for line in text.splitlines()]
        )
        self._starts: list[int] = []
        self._stops: list[int] = []
        self._totals = [ZERO]
        reach = -1
        for span in sorted(filter(None, map(self._span, units)), key=lambda span: (span.first, -span.last)):
            if span.first > reach and self._split(span):
                reach = span.last

    def unit(self, unit: CodeUnit) -> Module:
        """What `radon.raw.analyze(unit.code)` returns, or the SyntaxError it raises."""
        span = self._span(unit)
        opening = bisect_left(self._starts, span.first) if span else len(self._starts)
        if span is None or opening == len(self._starts) or self._starts[opening] != span.first:
            return raw_analyze(unit.code)
        closing = bisect_right(self._starts, span.last) - 1
        rest = ZERO
        if self._stops[closing] == span.last + 1 and self._lines[span.last] == span.tail:
            closing += 1
        else:
            rest = _sum(chunks([*self._lines[self._starts[closing] : span.last], span.tail]))
        return _module(_add(_sub(self._totals[closing], self._totals[opening]), rest))

    def _span(self, unit: CodeUnit) -> _Span | None:
        """Where the unit's code lies in the file, when its lines, stripped, are the file's."""
        code = unit.code
        first = unit.end_line - 1 - code.count("\n")  # the code may open with decorators
        head = code[: code.find("\n") % (len(code) + 1)].strip()
        if not 0 <= first < unit.end_line <= len(self._lines) or self._lines[first] != head:
            return None
        return _Span(first, unit.end_line - 1, code[code.rfind("\n") + 1 :].strip())

    def _split(self, span: _Span) -> bool:
        """Records the chunks of an outermost unit; False when radon cannot split its code."""
        try:
            found = chunks([*self._lines[span.first : span.last], span.tail])
        except Exception:  # SyntaxError where radon gives up; the unit alone then fails the same way
            return False
        self._lines[span.last] = span.tail
        for start, stop, tally in found:
            self._starts.append(span.first + start)
            self._stops.append(span.first + stop)
            self._totals.append(_add(self._totals[-1], tally))
        return True


class _Span(NamedTuple):
    first: int  # 0-based index of the code's first line
    last: int  # 0-based index of its last line
    tail: str  # its last line, stripped, up to where the code ends


def _add(left: Tally, right: Tally) -> Tally:
    a, b, c, d, e, f = left
    g, h, i, j, k, m = right
    return a + g, b + h, c + i, d + j, e + k, f + m


def _sub(left: Tally, right: Tally) -> Tally:
    a, b, c, d, e, f = left
    g, h, i, j, k, m = right
    return a - g, b - h, c - i, d - j, e - k, f - m


def _sum(found: list[tuple[int, int, Tally]]) -> Tally:
    total = ZERO
    for _, _, tally in found:
        total = _add(total, tally)
    return total


def _module(tally: Tally) -> Module:
    lloc, sloc, comments, multi, blank, single = tally
    return Module(sloc + blank + multi + single, lloc, sloc, comments, multi, blank, single)
