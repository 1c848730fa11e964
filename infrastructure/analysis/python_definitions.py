"""The functions and classes of one parsed Python file, with radon's measures of each.

What a definition gets here is what radon gives a file holding only that
definition: its Halstead counts, and its complexity as `cc_visit` reports
it along with the `total_complexity` that `mi_visit` uses. Each definition
is walked once, when first asked for (see `python_complexity_walk` for
what is counted); the definitions nested in it are measured on the way
and kept, so that a class's methods are not walked again.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from codemill.infrastructure.analysis.python_complexity_walk import walk
from codemill.infrastructure.analysis.python_halstead_scope import (
    ClassMeasure,
    FunctionMeasure,
    Measure,
    Scope,
)

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_COMPOUND = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.Match,
)
_STATEMENT_BLOCKS = ("body", "orelse", "finalbody")
_HOLDERS = frozenset((*_DEFINITIONS, *_COMPOUND))


@dataclass(frozen=True, slots=True)
class Complexity:
    """A definition's cyclomatic complexity (`cc_visit`'s) and the total `mi_visit` uses."""

    cyclomatic: int
    total: int


class PythonDefinitions:
    """Finds a file's definitions by line and name, and measures them as radon does."""

    def __init__(self, tree: ast.Module) -> None:
        self._by_line: dict[int, Definition] = {}
        _collect(tree.body, self._by_line)
        self._measured: dict[ast.AST, Measure] = {}

    def find(self, line: int, name: str) -> Definition | None:
        """The function or class whose `def`/`class` keyword line is `line`, if it is named `name`."""
        node = self._by_line.get(line)
        return node if node is not None and node.name == name else None

    def complexity(self, node: Definition) -> Complexity:
        measured = self.measure(node)
        if isinstance(measured, ClassMeasure):
            return Complexity(cyclomatic=measured.complexity, total=measured.real_complexity)
        return Complexity(cyclomatic=measured.complexity, total=measured.complexity)

    def halstead_volume(self, node: Definition, *, with_decorators: bool) -> float:
        """Halstead volume of the code from `def`/`class` on, or from the first decorator on.

        radon leaves a function's decorators out either way, and counts a class's.
        """
        measured = self.measure(node)
        if isinstance(measured, ClassMeasure):
            return measured.volume(with_decorators=with_decorators)
        return measured.volume()

    def measure(self, node: Definition) -> Measure:
        """The definition's complexity and Halstead counts, walked on first use."""
        measured = self._measured.get(node)
        if measured is None:
            measured = self._measured[node] = self._walk(node)
        return measured

    def _walk(self, node: Definition) -> Measure:
        scope = Scope(self.measure, in_class=isinstance(node, ast.ClassDef))
        walk(node.body, scope, complexity=True)
        if not isinstance(node, ast.ClassDef):
            return FunctionMeasure(node.name, scope.complexity, scope)
        heading = (*node.bases, *node.keywords, *getattr(node, "type_params", ()))
        walk(heading, scope, complexity=False)
        decorators = Scope(self.measure, in_class=False)
        walk(node.decorator_list, decorators, complexity=False)
        return ClassMeasure(scope.complexity, scope.methods, scope, decorators)


def _collect(statements: list[ast.stmt], by_line: dict[int, Definition]) -> None:
    """Indexes every definition among `statements` and the blocks they hold."""
    for statement in statements:
        if type(statement) not in _HOLDERS:
            continue
        if isinstance(statement, _DEFINITIONS):
            by_line.setdefault(statement.lineno, statement)
            _collect(statement.body, by_line)
        elif isinstance(statement, _COMPOUND):
            for field in _STATEMENT_BLOCKS:
                _collect(getattr(statement, field, []), by_line)
            for clause in (*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())):
                _collect(clause.body, by_line)
