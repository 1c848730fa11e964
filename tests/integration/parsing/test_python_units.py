"""Python specifics: docstrings as `ast` reads them, code without them, decorators, ends."""

from __future__ import annotations

import ast
import textwrap

import pytest

from codemill.domain.code import CodeUnit, Language, SourceFile
from codemill.infrastructure.parsing import TreeSitterCodeParser


@pytest.fixture(scope="module")
def parser() -> TreeSitterCodeParser:
    return TreeSitterCodeParser()


def units_of(parser: TreeSitterCodeParser, source: str) -> dict[str, CodeUnit]:
    outcome = parser.extract(SourceFile(path="m.py", language=Language.PYTHON, text=textwrap.dedent(source)))
    return {unit.qualified_name: unit for unit in outcome.units}


@pytest.mark.parametrize(
    "body",
    [
        '"""Plain."""',
        "'single'",
        '"""\n    Indented\n      more\n    """',
        '"line one\\nline two\\x21"',
        'r"raw \\d+ stays"',
        '"joined " "parts"',
        '("parenthesized")',
        '"""tab\there"""',
        'u"unicode prefix"',
        '"""\\\n    continued"""',
        "f'not a docstring'",
        "b'bytes are not docstrings'",
        "('a', 'b')",
        "'a' + 'b'",
        "x = 'assignment'",
        "# comment first\n    'after a comment'",
    ],
)
def test_docstring_equals_ast_get_docstring(parser, body: str) -> None:
    source = f"def f():\n    {body}\n    return 1\n"
    expected = ast.get_docstring(ast.parse(source).body[0])  # type: ignore[arg-type]
    assert units_of(parser, source)["f"].docstring == expected


def test_lone_docstring_is_replaced_by_pass(parser) -> None:
    unit = units_of(parser, 'class A:\n    """Only a docstring."""\n')["A"]
    assert unit.code_without_docstring == "class A:\n    pass"
    assert unit.docstring == "Only a docstring."


def test_docstring_line_is_removed_and_the_rest_kept(parser) -> None:
    source = '''
    def f(a):
        """Say what f does.

        At length.
        """
        # keep me
        return a
    '''
    unit = units_of(parser, source)["f"]
    assert unit.code_without_docstring == "def f(a):\n    # keep me\n    return a"
    assert unit.code.startswith('def f(a):\n    """Say')


@pytest.mark.parametrize(
    ("source", "without"),
    [
        ('def f(): "doc"\n', "def f(): pass"),
        ('def f(): "doc"; return 1\n', "def f(): return 1"),
        ('def f():\n    "doc"; return 1\n', "def f():\n    return 1"),
        ('def f():\n    "doc"  # why\n    return 1\n', "def f():\n    # why\n    return 1"),
    ],
)
def test_code_without_docstring_on_crowded_lines(parser, source: str, without: str) -> None:
    unit = units_of(parser, source)["f"]
    assert unit.code_without_docstring == without
    compiled = ast.parse(unit.code_without_docstring).body[0]
    assert ast.get_docstring(compiled) is None  # type: ignore[arg-type]


def test_decorators_are_in_code_but_not_in_start_line(parser) -> None:
    source = """
    import functools

    class Service:
        @staticmethod
        @functools.cache
        def build(x):
            return x
    """
    unit = units_of(parser, source)["Service.build"]
    assert unit.code.startswith("@staticmethod\n    @functools.cache\n    def build(x):")
    assert (unit.start_line, unit.end_line) == (7, 8)
    assert unit.signature == "def build(x):"
    assert textwrap.dedent(source).encode()[unit.start_byte : unit.end_byte].decode() == unit.code


def test_trailing_comments_are_not_part_of_a_unit(parser) -> None:
    source = "def f():\n    if x:\n        return 1\n        # dangling\n    # also dangling\n\ny = 2\n"
    unit = units_of(parser, source)["f"]
    assert (unit.start_line, unit.end_line) == (1, 3)
    assert unit.code.endswith("return 1")


def test_kinds_and_qualified_names_follow_nesting(parser) -> None:
    source = """
    def outer():
        def inner():
            class Local:
                def method(self):
                    def helper():
                        pass
        return inner

    class A:
        class B:
            async def run(self):
                pass
        if True:
            def conditional(self):
                pass
    """
    found = {(u.kind.value, name) for name, u in units_of(parser, source).items()}
    assert found == {
        ("function", "outer"),
        ("function", "outer.inner"),
        ("class", "outer.inner.Local"),
        ("method", "outer.inner.Local.method"),
        ("function", "outer.inner.Local.method.helper"),
        ("class", "A"),
        ("class", "A.B"),
        ("method", "A.B.run"),
        ("method", "A.conditional"),
    }


def test_signature_is_whitespace_normalized_without_comments(parser) -> None:
    source = "async def fetch(\n    url: str,  # where\n    retries: int = 3,\n) -> bytes:\n    return b''\n"
    unit = units_of(parser, source)["fetch"]
    assert unit.signature == "async def fetch( url: str, retries: int = 3, ) -> bytes:"
