from __future__ import annotations

import ast
import os
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest
from radon.complexity import cc_visit
from radon.metrics import h_visit, h_visit_ast, mi_compute, mi_visit
from radon.raw import analyze
from radon.visitors import ComplexityVisitor

from codemill.domain.code import CodeUnit, Language, SourceFile, UnitKind
from codemill.domain.corpus import QualityMetrics
from codemill.domain.quality_rank import rank_for_complexity
from codemill.infrastructure.analysis.line_counts import line_metrics
from codemill.infrastructure.analysis.python_raw_lines import raw_analyze
from codemill.infrastructure.analysis.radon_quality import RadonQualityAnalyzer
from codemill.infrastructure.parsing.tree_sitter_code_parser import TreeSitterCodeParser
from tests.integration.analysis.unit_builders import cut_unit, line_of, source_file

SOURCE = '''"""Inventory helpers."""


def restock(levels, minimum):
    # top up every item below the minimum
    orders = {}
    for item, level in levels.items():
        if level < minimum and item:
            orders[item] = minimum - level
    return orders


class Shelf:
    """A shelf of items."""

    def __init__(self, items):
        self.items = list(items)

    def pick(self, name):
        text = """
a literal that starts at column 0
"""
        for item in self.items:
            if item == name:
                return item
            elif item.startswith(name):
                return item
        return None
'''

# Corners of radon's raw counts and of finding units in one tree: decorators with operators,
# one-liners with trailing comments, strings with '#' and ';', continuations, closures, a class
# inside a function, definitions under if/try, a form feed (a line break to radon only).
CORNERS = r'''@register(1 + 2, "a" * 3)
class Decorated:
    x = 1 + 2; y = x * 3
    z = {1: 2}

    @staticmethod
    def helper(a, b=1 + 2):  # trailing comment
        if a and b or not a:
            return a if b else b
        return [i for i in range(3) if i if i > 1]

    class Inner:
        def deep(self): return 1  # one-liner

        def value(self):
            s = """with 'quotes' and # hash
second line""" + 'x'
            t = f"{self!r:>10}" "concat" r'\d+'
            u = 'it\'s' ; v = "semi;colon"
            return s, t, u, v


def outer(a):
    def closure(b):
        return b or a

    class Local:
        def method(self, q):
            try:
                return q / 0
            except ZeroDivisionError:
                return None

    value = (a +
             # inside brackets

             2)
    other = a \
        + 1
    text = """
    spans""" ; rest = {"k": [1, 2],  # note
                      'k2': (4, 5)}
    return value, other, text, rest, closure, Local


def documented():
    """Only a docstring.

    With a blank line inside.
    """


def feed(x):
    """One line."""
    a = 'abc\
def'
    return x + 1  # ok


if True:
    def in_if(): return 3 if a else 4  # x
'''


def at(fragment: str) -> int:
    return line_of(SOURCE, fragment)


def units():
    file = source_file("inventory.py", Language.PYTHON, SOURCE)
    restock_start = at("def restock")
    return file, [
        cut_unit(file, UnitKind.FUNCTION, "restock", restock_start, restock_start + 6),
        cut_unit(file, UnitKind.CLASS, "Shelf", at("class Shelf"), SOURCE.count("\n")),
        cut_unit(file, UnitKind.METHOD, "__init__", at("def __init__"), at("list(items)")),
        cut_unit(file, UnitKind.METHOD, "pick", at("def pick"), SOURCE.count("\n")),
    ]


def test_one_metrics_per_unit_with_radon_complexity_and_rank() -> None:
    file, found = units()
    metrics = RadonQualityAnalyzer().measure(file, found)
    restock, shelf, init, pick = metrics
    assert len(metrics) == 4
    assert (restock.cyclomatic, restock.complexity_rank) == (4, "A")  # for + if with `and`
    assert (init.cyclomatic, pick.cyclomatic) == (1, 4)  # for + if + elif
    whole_file = {block.name: block.complexity for block in cc_visit(SOURCE)}
    assert shelf.cyclomatic == whole_file["Shelf"]  # radon's own class score
    assert (restock.cyclomatic, pick.cyclomatic) == (whole_file["restock"], whole_file["pick"])
    assert all(m.complexity_rank == "A" for m in metrics)


def test_maintainability_halstead_and_line_counts() -> None:
    file, found = units()
    restock, _, init, pick = RadonQualityAnalyzer().measure(file, found)
    assert restock.maintainability_index is not None and 0 < restock.maintainability_index <= 100
    assert restock.maintainability_index == pytest.approx(mi_visit(found[0].code, True))
    assert restock.halstead_volume == pytest.approx(h_visit(found[0].code).total.volume)
    assert restock.halstead_volume > 0
    assert (restock.loc, restock.comments) == (7, 1)
    assert restock.sloc == 6
    assert init.halstead_volume == 0.0  # no operators
    assert pick.cyclomatic is not None  # the multi-line string at column 0 does not block the dedent


def test_a_unit_that_does_not_parse_gets_none_fields_and_line_counts() -> None:
    text = "def broken(:\n    # a comment\n    return 1\n"
    file = source_file("broken.py", Language.PYTHON, text)
    (metrics,) = RadonQualityAnalyzer().measure(file, [cut_unit(file, UnitKind.FUNCTION, "broken", 1, 3)])
    assert metrics.cyclomatic is None and metrics.complexity_rank is None
    assert metrics.maintainability_index is None and metrics.halstead_volume is None
    assert (metrics.loc, metrics.sloc, metrics.comments) == (3, 2, 1)


def test_supports_python_only_and_empty_input() -> None:
    analyzer = RadonQualityAnalyzer()
    assert analyzer.supports(Language.PYTHON) and not analyzer.supports(Language.GO)
    assert analyzer.measure(source_file("e.py", Language.PYTHON, ""), []) == []


@pytest.mark.parametrize(
    "text",
    [CORNERS, CORNERS.replace("def feed(x):\n", "def feed(x):\n\f\n"), CORNERS + "\nbroken = (\n"],
    ids=["corners", "form-feed", "file-does-not-parse"],
)
def test_corner_cases_measure_as_each_unit_alone(text: str) -> None:
    file = source_file("corners.py", Language.PYTHON, text)
    found = TreeSitterCodeParser().extract(file).units
    assert len(found) >= 12
    assert _differences(file, found) == []
    assert _raw_outcome(raw_analyze, text) == _raw_outcome(analyze, text)


def test_stdlib_files_measure_as_each_unit_alone() -> None:
    files = _stdlib_sample()
    parser = TreeSitterCodeParser()
    measured = [(file, parser.extract(file).units) for file in files]
    assert sum(len(found) for _, found in measured) > 400
    assert [difference for file, found in measured for difference in _differences(file, found)] == []


def _stdlib_sample(count: int = 40, max_bytes: int = 40_000) -> list[SourceFile]:
    """Every n-th stdlib module of 2-40 kB (tests and vendored code left out), in path order."""
    root = sysconfig.get_paths()["stdlib"]
    skipped = {"test", "tests", "idle_test", "site-packages", "lib2to3"}
    paths = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in skipped)
        paths += [Path(folder, name) for name in sorted(names) if name.endswith(".py")]
    paths = [path for path in paths if 2_000 <= path.stat().st_size <= max_bytes]
    chosen = paths[:: max(1, len(paths) // count)][:count]
    return [SourceFile(path=str(path), language=Language.PYTHON, text=path.read_text()) for path in chosen]


def _differences(file: SourceFile, found: tuple[CodeUnit, ...]) -> list[str]:
    text_lines = file.text.split("\n")
    measured = RadonQualityAnalyzer().measure(file, found)
    return [
        f"{file.path}:{unit.start_line} {unit.name}: {got} != {expected}"
        for unit, got in zip(found, measured, strict=True)
        if not _same(got, expected := _reference_metrics(unit, text_lines))
    ]


def _same(got: QualityMetrics, expected: QualityMetrics) -> bool:
    exact = ("cyclomatic", "complexity_rank", "loc", "sloc", "comments")
    close = ("maintainability_index", "halstead_volume")
    return all(getattr(got, name) == getattr(expected, name) for name in exact) and all(
        _close(getattr(got, name), getattr(expected, name)) for name in close
    )


def _close(value: float | None, wanted: float | None) -> bool:
    return value == wanted if value is None or wanted is None else abs(value - wanted) <= 1e-6


def _reference_metrics(unit: CodeUnit, text_lines: list[str]) -> QualityMetrics:
    """radon on the unit alone: its code dedented, parsed, tokenized and visited by itself."""
    source = _dedented(unit, text_lines)
    try:
        tree = ast.parse(source)
        raw = analyze(source)
        volume = float(h_visit_ast(tree).total.volume)
        visitor = ComplexityVisitor.from_ast(tree)
    except Exception:
        return line_metrics(unit.code, Language.PYTHON)
    comment_percent = (raw.comments + raw.multi) / raw.sloc * 100 if raw.sloc else 0.0
    top_level = [block for block in (*visitor.functions, *visitor.classes) if block.col_offset == 0]
    cyclomatic = int(min(top_level, key=lambda block: block.lineno).complexity) if top_level else None
    return QualityMetrics(
        cyclomatic=cyclomatic,
        complexity_rank=rank_for_complexity(cyclomatic) if cyclomatic is not None else None,
        maintainability_index=float(mi_compute(volume, visitor.total_complexity, raw.lloc, comment_percent)),
        halstead_volume=volume,
        loc=raw.loc,
        sloc=raw.sloc,
        comments=raw.comments,
    )


def _dedented(unit: CodeUnit, text_lines: list[str]) -> str:
    line = text_lines[unit.start_line - 1]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    first, *rest = unit.code.split("\n")
    return "\n".join([first, *(part.removeprefix(indent) for part in rest)])


def _raw_outcome(count: Callable[[str], object], text: str) -> object:
    try:
        return count(text)
    except SyntaxError:
        return SyntaxError
