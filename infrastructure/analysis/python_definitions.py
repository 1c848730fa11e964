"""The functions and classes of one parsed Python file, with radon's measures of each.

radon's visitors walk the file's outermost definitions once. Its
ComplexityVisitor reports every function, method, closure and class it
meets (a class defined inside a function is the exception, and is walked
again on its own); a HalsteadVisitor that keeps the visitor of each
function and class it meets does the same for Halstead counts. What a
definition gets here is what radon gives a file holding only that
definition: its Halstead counts, and its complexity as `cc_visit` reports
it along with the `total_complexity` that `mi_visit` uses.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from radon.metrics import halstead_visitor_report
from radon.visitors import Class, ComplexityVisitor, Function, HalsteadVisitor

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


@dataclass(frozen=True, slots=True)
class Complexity:
    """A definition's cyclomatic complexity (`cc_visit`'s) and the total `mi_visit` uses."""

    cyclomatic: int
    total: int


class PythonDefinitions:
    """Finds a file's definitions by line and name, and measures them with radon."""

    def __init__(self, tree: ast.Module) -> None:
        self._by_line: dict[int, Definition] = {}
        outermost: list[Definition] = []
        _collect(tree.body, self._by_line, outermost)
        visitor = ComplexityVisitor()
        halstead = _RecordingHalstead(_Reports())
        for node in outermost:
            visitor.visit(node)
            halstead.visit(node)
        self._blocks: dict[tuple[int, str], Function | Class] = {}
        _index_blocks([*visitor.functions, *visitor.classes], self._blocks)
        self._halstead = halstead.reports

    def find(self, line: int, name: str) -> Definition | None:
        """The function or class whose `def`/`class` keyword line is `line`, if it is named `name`."""
        node = self._by_line.get(line)
        return node if node is not None and node.name == name else None

    def complexity(self, node: Definition) -> Complexity:
        block = self._blocks.get((node.lineno, node.name))
        if block is None:
            alone = ComplexityVisitor.from_ast(node)
            block = [*alone.functions, *alone.classes][0]
        total = block.real_complexity if isinstance(block, Class) else block.complexity
        return Complexity(cyclomatic=int(block.complexity), total=int(total))

    def halstead_volume(self, node: Definition, *, with_decorators: bool) -> float:
        """Halstead volume of the code from `def`/`class` on, or from the first decorator on.

        radon leaves a function's decorators out either way, and counts a class's.
        """
        if node not in self._halstead.bodies:
            _RecordingHalstead(self._halstead).visit(node)
        visitor = self._halstead.bodies[node]
        decorators = self._halstead.decorators.get(node) if with_decorators else None
        if decorators is not None:
            visitor = _absorb(_absorb(HalsteadVisitor(), visitor), decorators)
        return float(halstead_visitor_report(visitor).volume)


def _collect(
    statements: list[ast.stmt], by_line: dict[int, Definition], outermost: list[Definition] | None
) -> None:
    """Indexes every definition among `statements` and the blocks they hold; lists the outermost ones."""
    for statement in statements:
        if isinstance(statement, _DEFINITIONS):
            by_line.setdefault(statement.lineno, statement)
            if outermost is not None:
                outermost.append(statement)
            _collect(statement.body, by_line, None)
        elif isinstance(statement, _COMPOUND):
            for field in _STATEMENT_BLOCKS:
                _collect(getattr(statement, field, []), by_line, outermost)
            for clause in (*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())):
                _collect(clause.body, by_line, outermost)


def _index_blocks(blocks: list[Function | Class], index: dict[tuple[int, str], Function | Class]) -> None:
    while blocks:
        block = blocks.pop()
        index.setdefault((block.lineno, block.name), block)
        if isinstance(block, Class):
            blocks.extend(block.methods)
            blocks.extend(block.inner_classes)
        else:
            blocks.extend(block.closures)


class _RecordingHalstead(HalsteadVisitor):  # type: ignore[misc]  # radon is untyped
    """radon's HalsteadVisitor, keeping the visitor it fills for each function and class.

    A function's entry is the per-function visitor radon itself keeps. A
    class is walked by a visitor of its own (bases, keywords and body: the
    code from `class` on), its decorators by another; both are then merged
    into the enclosing visitor, so that its counts stay radon's.
    """

    def __init__(self, reports: _Reports) -> None:
        super().__init__()
        self.reports = reports

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        super().visit_FunctionDef(node)
        self.reports.bodies[node] = self.function_visitors[-1]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        body = _RecordingHalstead(self.reports)
        for child in (*node.bases, *node.keywords, *getattr(node, "type_params", ()), *node.body):
            body.visit(child)
        decorators = HalsteadVisitor()
        for decorator in node.decorator_list:
            decorators.visit(decorator)
        self.reports.bodies[node] = body
        self.reports.decorators[node] = decorators
        _absorb(self, body)
        _absorb(self, decorators)


@dataclass(slots=True)
class _Reports:
    bodies: dict[ast.AST, HalsteadVisitor] = field(default_factory=dict)
    decorators: dict[ast.AST, HalsteadVisitor] = field(default_factory=dict)


def _absorb(into: HalsteadVisitor, visitor: HalsteadVisitor) -> HalsteadVisitor:
    """Adds `visitor`'s counts to `into`, as radon adds a function's to the enclosing visitor."""
    into.operators += visitor.operators
    into.operands += visitor.operands
    into.operators_seen |= visitor.operators_seen
    into.operands_seen |= visitor.operands_seen
    return into
