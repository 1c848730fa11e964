"""Python docstrings, read exactly as `ast.get_docstring(node, clean=True)` reads them."""

from __future__ import annotations

import ast
import inspect
import re
import warnings

from tree_sitter import Node

from codemill.infrastructure.parsing.source_bytes import SourceBytes

_STRING_TYPES = frozenset({"string", "concatenated_string", "parenthesized_expression"})
# A plain literal needs no evaluation: no prefix but u/r, no escapes, no carriage returns.
_PLAIN_LITERAL = re.compile(r'(?s)([uUrR]?)("""|\'\'\'|"|\')(.*)\2')
_AFTER_STATEMENT = re.compile(rb"[ \t]*;?[ \t]*")


def docstring_statement(body: Node) -> Node | None:
    """The body's first statement when it is a lone expression statement."""
    child = body.named_child(0) if body.named_child_count else None
    child = _skip_comments(child)
    if child is None or child.type != "expression_statement" or child.named_child_count != 1:
        return None
    return child


def is_only_statement(statement: Node) -> bool:
    return _skip_comments(statement.next_named_sibling) is None


def _skip_comments(node: Node | None) -> Node | None:
    while node is not None and node.type == "comment":
        node = node.next_named_sibling
    return node


def docstring_value(statement: Node, source: SourceBytes) -> str | None:
    """The cleaned docstring the statement holds, or None when it holds no str constant."""
    expression = statement.named_child(0)
    if expression is None or expression.type not in _STRING_TYPES:
        return None
    value = _string_value(source.text(expression.start_byte, expression.end_byte))
    return _cleaned(value) if value is not None else None


def _cleaned(value: str) -> str:
    """`inspect.cleandoc(value)`, skipping the work for a one-line docstring it leaves as is."""
    if "\n" in value or "\t" in value or value[:1].isspace():
        return inspect.cleandoc(value)
    return value


def _string_value(literal: str) -> str | None:
    plain = _PLAIN_LITERAL.fullmatch(literal)
    if plain is not None:
        prefix, quote, content = plain.groups()
        verbatim = prefix in ("r", "R") or "\\" not in content
        if verbatim and quote not in content and "\r" not in content:
            return content
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = ast.literal_eval(literal)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError, UnicodeError):
        return None
    return value if isinstance(value, str) else None


def without_statement(data: bytes, code_start: int, code_end: int, statement: Node, only: bool) -> bytes:
    """The code bytes with the docstring statement removed; `pass` replaces a lone docstring."""
    start, end = statement.start_byte, statement.end_byte
    if only:
        return data[code_start:start] + b"pass" + data[end:code_end]
    matched = _AFTER_STATEMENT.match(data, end, code_end)
    end = matched.end() if matched else end
    line_start = data.rfind(b"\n", code_start, start) + 1
    if line_start > code_start and not data[line_start:start].strip() and data[end : end + 1] in b"\r\n":
        start = line_start
        end = end + 2 if data[end : end + 2] == b"\r\n" else end + 1
    return data[code_start:start] + data[end:code_end]
