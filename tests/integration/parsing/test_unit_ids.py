"""Unit ids ignore layout and comments and change with any token."""

from __future__ import annotations

import textwrap

import pytest

from codemill.domain.code import Language, SourceFile
from codemill.infrastructure.parsing import TreeSitterCodeParser


@pytest.fixture(scope="module")
def parser() -> TreeSitterCodeParser:
    return TreeSitterCodeParser()


def ids(parser: TreeSitterCodeParser, text: str, language: Language = Language.PYTHON) -> dict[str, str]:
    file = SourceFile(path="f", language=language, text=textwrap.dedent(text))
    return {unit.qualified_name: unit.id for unit in parser.extract(file).units}


PYTHON = '''
def total(items, rate=0.1):
    """Sum with a discount."""
    return sum(item.price for item in items) * (1 - rate)
'''

PYTHON_REFORMATTED = '''
def total( items , rate = 0.1 ) :
    """Sum with a discount."""
    # a new comment
    return sum(
        item.price   for item in items   # trailing comment
    ) * ( 1-rate )
'''


def test_id_is_a_hex_digest(parser) -> None:
    unit_id = ids(parser, PYTHON)["total"]
    assert len(unit_id) == 32
    int(unit_id, 16)


def test_reformatting_and_comments_keep_the_id(parser) -> None:
    assert ids(parser, PYTHON)["total"] == ids(parser, PYTHON_REFORMATTED)["total"]


def test_nesting_depth_and_surroundings_keep_the_id(parser) -> None:
    nested = "class Holder:\n" + textwrap.indent(textwrap.dedent(PYTHON), "    ") + "\nx = 1\n"
    assert ids(parser, nested)["Holder.total"] == ids(parser, PYTHON)["total"]


@pytest.mark.parametrize(
    "changed",
    [
        PYTHON.replace("0.1", "0.2"),
        PYTHON.replace("item.price", "item.cost"),
        PYTHON.replace("* (1 - rate)", "/ (1 - rate)"),
        PYTHON.replace("Sum with a discount.", "Sum with a rebate."),
        PYTHON.replace("return sum", "return  sum").replace("item.price for", "item.pricefor"),
    ],
)
def test_any_token_change_changes_the_id(parser, changed: str) -> None:
    assert ids(parser, changed)["total"] != ids(parser, PYTHON)["total"]


def test_separating_two_words_changes_the_id(parser) -> None:
    assert ids(parser, "def f():\n    return x\n")["f"] != ids(parser, "def f():\n    returnx\n")["f"]


def test_a_class_id_covers_its_methods(parser) -> None:
    before = ids(parser, "class A:\n    def m(self):\n        return 1\n")
    after = ids(parser, "class A:\n    def m(self):\n        return 2\n")
    assert before["A"] != after["A"]
    assert before["A.m"] != after["A.m"]


def test_go_layout_and_comments_keep_the_id(parser) -> None:
    compact = "package p\nfunc Add(a, b int) int { return a + b }\n"
    spread = "package p\n\nfunc Add(a, b int) int {\n\t// add them\n\treturn a +\n\t\tb /* sum */\n}\n"
    assert ids(parser, compact, Language.GO)["Add"] == ids(parser, spread, Language.GO)["Add"]


def test_a_marker_byte_in_the_file_does_not_change_other_ids(parser) -> None:
    plain = "def a():\n    return 1\n\ndef b():\n    return 2\n"
    marked = plain + "\ndef c():\n    return '\x01'\n"
    assert ids(parser, marked)["a"] == ids(parser, plain)["a"]
    assert ids(parser, marked)["b"] == ids(parser, plain)["b"]


def test_identical_units_in_different_files_share_the_id(parser) -> None:
    first = ids(parser, "import os\n\ndef same():\n    return os.sep\n")
    second = ids(parser, "# header\n\n\ndef same():\n    return os.sep\n")
    assert first["same"] == second["same"]
