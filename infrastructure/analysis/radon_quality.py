"""Python metrics from radon: cyclomatic complexity, maintainability index, Halstead volume."""

from __future__ import annotations

import ast
import dataclasses
import textwrap
import warnings
from collections.abc import Sequence
from functools import cached_property

from radon.metrics import mi_compute
from radon.raw import Module

from codemill.domain.code import CodeUnit, Language, SourceFile
from codemill.domain.corpus import QualityMetrics
from codemill.domain.quality_rank import rank_for_complexity
from codemill.infrastructure.analysis.line_counts import line_metrics
from codemill.infrastructure.analysis.python_definitions import Definition, PythonDefinitions
from codemill.infrastructure.analysis.python_raw_lines import FileRawLines
from codemill.infrastructure.analysis.unit_spans import indentation_of_line
from codemill.infrastructure.gc_pause import gc_paused


class RadonQualityAnalyzer:
    """QualityAnalyzer for Python, backed by radon.

    Contract: one QualityMetrics per unit, in order, each what radon gives
    the unit's code measured on its own (dedented, so that a method parses
    as a top-level definition): cyclomatic complexity and its A-F rank (for
    a class, radon's class complexity: the average of its methods, plus one
    when it has several), the maintainability index (radon's `mi_visit`
    with multi-line strings counted as comments), Halstead volume, and
    loc/sloc/comment lines. The file is parsed, walked and read once, and
    each unit is found in it by line and name; a unit of a file that does
    not parse, or one not found there, is parsed on its own. A unit whose
    code does not parse, or that radon cannot measure, gets None for every
    radon field and plain line counts. With `complexity_only`, a unit keeps
    the cyclomatic complexity and rank and plain line counts (no
    maintainability index or Halstead volume, no raw line analysis): the
    collect step's fast metrics. Never raises.
    """

    def __init__(self, *, complexity_only: bool = False) -> None:
        self._complexity_only = complexity_only

    def supports(self, language: Language) -> bool:
        return language is Language.PYTHON

    def measure(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[QualityMetrics]:
        if not units:
            return []
        with gc_paused():
            measured = _MeasuredFile(file, units, complexity_only=self._complexity_only)
            return [measured.metrics(unit) for unit in units]


class _MeasuredFile:
    """One file's tree, definitions and raw line counts, shared by its units."""

    def __init__(self, file: SourceFile, units: Sequence[CodeUnit], *, complexity_only: bool) -> None:
        self._file = file
        self._raw = None if complexity_only else FileRawLines(file.text, units)
        try:
            self._definitions: PythonDefinitions | None = PythonDefinitions(_parse(file.text))
        except Exception:  # SyntaxError, null bytes, nesting too deep for the parser or radon's visitors
            self._definitions = None

    def metrics(self, unit: CodeUnit) -> QualityMetrics:
        try:
            definitions = self._definitions
            node = definitions.find(unit.start_line, unit.name) if definitions is not None else None
            if definitions is None or node is None:
                definitions, node = self._parse_alone(unit)
            if self._raw is None:
                return _complexity_metrics(unit, definitions, node)
            return _radon_metrics(unit, definitions, node, self._raw.unit(unit))
        except Exception:  # code that does not parse on its own, or radon failing on odd code
            return line_metrics(unit.code, Language.PYTHON)

    def _parse_alone(self, unit: CodeUnit) -> tuple[PythonDefinitions, Definition]:
        tree = _parse(_standalone_source(unit, self._text_lines))
        definitions = PythonDefinitions(tree)
        node = tree.body[0] if tree.body else None
        if not isinstance(node, Definition):
            raise ValueError(f"{unit.name} is not a function or class on its own")
        return definitions, node

    @cached_property
    def _text_lines(self) -> list[str]:
        return self._file.text.split("\n")


def _parse(source: str) -> ast.Module:
    with warnings.catch_warnings():  # invalid escapes and the like warn while parsing
        warnings.simplefilter("ignore")
        return ast.parse(source)


def _radon_metrics(
    unit: CodeUnit, definitions: PythonDefinitions, node: Definition, raw: Module
) -> QualityMetrics:
    complexity = definitions.complexity(node)
    volume = definitions.halstead_volume(node, with_decorators=unit.code.startswith("@"))
    comment_lines = raw.comments + raw.multi
    comment_percent = comment_lines / raw.sloc * 100 if raw.sloc else 0.0
    return QualityMetrics(
        cyclomatic=complexity.cyclomatic,
        complexity_rank=rank_for_complexity(complexity.cyclomatic),
        maintainability_index=float(mi_compute(volume, complexity.total, raw.lloc, comment_percent)),
        halstead_volume=volume,
        loc=raw.loc,
        sloc=raw.sloc,
        comments=raw.comments,
    )


def _complexity_metrics(unit: CodeUnit, definitions: PythonDefinitions, node: Definition) -> QualityMetrics:
    cyclomatic = definitions.complexity(node).cyclomatic
    lines = line_metrics(unit.code, Language.PYTHON)
    return dataclasses.replace(lines, cyclomatic=cyclomatic, complexity_rank=rank_for_complexity(cyclomatic))


def _standalone_source(unit: CodeUnit, text_lines: Sequence[str]) -> str:
    """The unit's code as a top-level block.

    The code of a method starts at its `def` while its body keeps the file's
    indentation, so the first line's indentation (read from the file) is taken
    off every line that has it; unlike `textwrap.dedent`, lines of a
    multi-line string that sit further left do not block the dedent.
    """
    code = unit.code
    if code[:1] in (" ", "\t"):
        return textwrap.dedent(code)
    indent = indentation_of_line(text_lines, unit.start_line)
    if not indent:
        return code
    lines = code.split("\n")
    rest = (line[len(indent) :] if line.startswith(indent) else line for line in lines[1:])
    return "\n".join([lines[0], *rest])
