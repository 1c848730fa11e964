"""Units of files whose lines end with a lone CR (classic Mac line endings) or mixed endings."""

from __future__ import annotations

import ast

import pytest

from codemill.domain.code import Language, SourceFile
from codemill.infrastructure.parsing import TreeSitterCodeParser
from codemill.infrastructure.parsing.line_ends import with_lf_line_ends
from tests.support.python_ast_rows import ast_rows, unit_rows


@pytest.mark.parametrize(
    "text",
    [
        "def alpha(a, b=1, *args, **kwargs):\r    pass\r",  # found by tests/fuzz: ast said 1-2, units 1-1
        "def alpha(a):\r    # \r    pass\rs = 1\r",  # found by tests/fuzz: the comment ran to the end
        "x = 1\r\rdef f():\r    return 1\r",
        "class A:\r    def f(self):\r        return 1\r",
        "x = 1\r\ndef f():\r    return 1\n\rdef g():\n    pass\n",
    ],
)
def test_python_lines_match_ast_with_carriage_returns(text: str) -> None:
    outcome = TreeSitterCodeParser().extract(SourceFile(path="mac.py", language=Language.PYTHON, text=text))
    assert outcome.error_kind is None
    assert unit_rows(outcome.units) == ast_rows(ast.parse(text))


def test_units_cut_the_original_text() -> None:
    text = "class A:\r    def f(self):\r        return 1\r"
    outcome = TreeSitterCodeParser().extract(SourceFile(path="mac.py", language=Language.PYTHON, text=text))
    data = text.encode()
    assert [unit.code for unit in outcome.units] == [
        data[u.start_byte : u.end_byte].decode() for u in outcome.units
    ]
    assert outcome.units[0].code == text.removesuffix("\r")


def test_only_lone_carriage_returns_change() -> None:
    assert with_lf_line_ends(b"a\r\nb\nc") == b"a\r\nb\nc"
    assert with_lf_line_ends(b"a\rb\r\n\r") == b"a\nb\r\n\n"
