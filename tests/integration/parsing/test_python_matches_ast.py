"""The correctness gate for Python: what the parser finds equals what `ast` reports.

A deterministic sample of this interpreter's standard library is parsed both
ways; for every file the (kind, qualified name, first line, last line,
docstring) of every function, method and class must be the same.
"""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest

from codemill.domain.code import CodeUnit, Language, SourceFile
from codemill.infrastructure.parsing import TreeSitterCodeParser
from tests.support.python_ast_rows import ast_rows, unit_rows

SAMPLE_SIZE = 60
_SKIPPED_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__"}


def _stdlib_sample() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    candidates = [
        path for path in sorted(root.rglob("*.py")) if not _SKIPPED_DIRS & set(path.relative_to(root).parts)
    ]
    step = max(1, len(candidates) // SAMPLE_SIZE)
    return candidates[::step][:SAMPLE_SIZE]


@pytest.fixture(scope="module")
def parsed_sample() -> list[tuple[Path, str, ast.AST, tuple[CodeUnit, ...]]]:
    parser = TreeSitterCodeParser()
    parsed = []
    for path in _stdlib_sample():
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        outcome = parser.extract(SourceFile(path=str(path), language=Language.PYTHON, text=text))
        if outcome.error_kind is None:
            parsed.append((path, text, tree, outcome.units))
    return parsed


def test_sample_is_large_enough(parsed_sample) -> None:
    assert len(parsed_sample) >= SAMPLE_SIZE * 0.9


def test_units_equal_what_ast_reports(parsed_sample) -> None:
    mismatched = {}
    for path, _, tree, units in parsed_sample:
        expected, found = ast_rows(tree), unit_rows(units)
        if expected != found:
            mismatched[path.name] = (
                sorted(expected - found, key=repr)[:3],
                sorted(found - expected, key=repr)[:3],
            )
    assert not mismatched


def test_code_without_docstring_is_valid_python_without_a_docstring(parsed_sample) -> None:
    checked = 0
    for _, text, _, units in parsed_sample:
        data = text.encode("utf-8", "surrogateescape")
        for unit in units:
            if unit.docstring is None:
                assert unit.code_without_docstring == unit.code
                continue
            column = unit.start_byte - (data.rfind(b"\n", 0, unit.start_byte) + 1)
            source = unit.code_without_docstring
            wrapped = "if 1:\n" + " " * column + source if column else source
            definition = next(
                node
                for node in ast.walk(ast.parse(wrapped))
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            )
            assert definition.name == unit.name
            assert ast.get_docstring(definition) is None
            checked += 1
    assert checked > 100
