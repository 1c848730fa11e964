"""What `ast` reports about a Python module's functions, methods and classes, and the same for code units.

A row is (kind, qualified name, first line, last line, docstring); the parser is
correct on a file when both sides give the same set of rows.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from codemill.domain.code import CodeUnit

Row = tuple[str, str, int, int, str | None]


def ast_rows(tree: ast.AST) -> set[Row]:
    """Every def and class: a function directly inside a class is a method."""
    rows: set[Row] = set()

    def visit(node: ast.AST, prefix: str, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualified = f"{prefix}.{child.name}" if prefix else child.name
                is_class = isinstance(child, ast.ClassDef)
                kind = "class" if is_class else "method" if in_class else "function"
                end = child.end_lineno or child.lineno
                rows.add((kind, qualified, child.lineno, end, ast.get_docstring(child)))
                visit(child, qualified, is_class)
            else:
                visit(child, prefix, in_class)

    visit(tree, "", False)
    return rows


def unit_rows(units: Iterable[CodeUnit]) -> set[Row]:
    return {(u.kind.value, u.qualified_name, u.start_line, u.end_line, u.docstring) for u in units}
