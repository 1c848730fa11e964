"""One walk of a definition's tree that counts what radon's ComplexityVisitor and HalsteadVisitor count.

Complexity, as radon's ComplexityVisitor: a function is 1 plus the decision
points of its body (If, IfExp, loops and their `else`, Try handlers and
`else`, BoolOp values, comprehensions and their `if`s, Match cases bar a
bare capture, and each `assert`, whose expression is not looked into);
closures and classes inside it add nothing, nor do decorators, arguments
or annotations. A class is 1 plus the decision points of its body plus the
complexity of each method (a function in its body outside any other
definition); nested classes add nothing. A TryStar counts nothing, as in
radon.

Halstead, as radon's HalsteadVisitor: BinOp, UnaryOp, BoolOp, AugAssign
and Compare give operators and operands; an operand is a Name's id, an
Attribute's attr, a Constant's value or else the node itself, seen per
context (the innermost function's name; None outside functions). A
function's own walk is its body only; a class's is its bases, keywords and
body, its decorators walked apart.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from codemill.infrastructure.analysis.python_ast_children import child_fields
from codemill.infrastructure.analysis.python_halstead_scope import Scope

_CHILDREN = child_fields()
_NAMES = {node_class: node_class.__name__ for node_class in _CHILDREN}
_DEFINITION, _ASSERT, _BINOP, _UNARY, _BOOLOP, _AUGASSIGN, _COMPARE = range(7)
_IF, _LOOP, _TRY, _COMPREHENSION, _MATCH = range(7, 12)
_KINDS: dict[type, int] = {
    ast.FunctionDef: _DEFINITION,
    ast.AsyncFunctionDef: _DEFINITION,
    ast.ClassDef: _DEFINITION,
    ast.Assert: _ASSERT,
    ast.BinOp: _BINOP,
    ast.UnaryOp: _UNARY,
    ast.BoolOp: _BOOLOP,
    ast.AugAssign: _AUGASSIGN,
    ast.Compare: _COMPARE,
    ast.If: _IF,
    ast.IfExp: _IF,
    ast.For: _LOOP,
    ast.AsyncFor: _LOOP,
    ast.While: _LOOP,
    ast.Try: _TRY,
    ast.comprehension: _COMPREHENSION,
    ast.Match: _MATCH,
}
_TABLE: dict[type, tuple[int | None, tuple[str, ...], tuple[str, ...]]] = {
    node_class: (_KINDS.get(node_class), *fields)
    for node_class, fields in _CHILDREN.items()
    if node_class in _KINDS or fields != ((), ())
}
"""Per node class: what it counts for, and its node fields; leaves and unknown classes are left out."""


def operand(node: Any) -> Any:
    """What radon's HalsteadVisitor records for an operand node."""
    kind = type(node)
    if kind is ast.Name:
        return node.id
    if kind is ast.Constant:
        return node.value
    if kind is ast.Attribute:
        return node.attr
    return node


def walk(roots: Iterable[Any], scope: Scope, *, complexity: bool) -> None:
    """Adds the counts of `roots` and everything below them to `scope`.

    Definitions met on the way are handed to `scope.nested`, which measures
    and merges them; with `complexity` off only Halstead counts are kept.
    """
    stack = [node for node in roots if node is not None]
    operators, values = scope.operators_seen, scope.values
    table, names = _TABLE, _NAMES
    decisions = n1 = n2 = 0
    while stack:
        node = stack.pop()
        entry = table.get(type(node))
        if entry is None:
            continue
        kind, singles, lists = entry
        if kind is not None:
            if kind == _DEFINITION:
                scope.nested(node)
                continue
            if kind == _IF:
                decisions += 1
            elif kind == _ASSERT:
                decisions += complexity
                walk((node.test, node.msg), scope, complexity=False)
                continue
            elif kind == _BINOP:
                n1 += 1
                n2 += 2
                operators.add(names[type(node.op)])
                values.add(operand(node.left))
                values.add(operand(node.right))
            else:
                delta = _COUNTERS[kind](node, operators, values)
                n1 += delta[0]
                n2 += delta[1]
                decisions += delta[2]
        for name in singles:
            child = getattr(node, name)
            if type(child) in table:
                stack.append(child)
        for name in lists:
            stack.extend(getattr(node, name))
    scope.operators += n1
    scope.operands += n2
    if complexity:
        scope.complexity += decisions


def _compare(node: Any, operators: set[str], values: set[Any]) -> tuple[int, int, int]:
    operators.update([_NAMES[type(op)] for op in node.ops])
    values.update([operand(item) for item in node.comparators])
    values.add(operand(node.left))
    return len(node.ops), len(node.comparators) + 1, 0


def _bool_op(node: Any, operators: set[str], values: set[Any]) -> tuple[int, int, int]:
    operators.add(_NAMES[type(node.op)])
    values.update([operand(item) for item in node.values])
    return 1, len(node.values), len(node.values) - 1


def _unary_op(node: Any, operators: set[str], values: set[Any]) -> tuple[int, int, int]:
    operators.add(_NAMES[type(node.op)])
    values.add(operand(node.operand))
    return 1, 1, 0


def _aug_assign(node: Any, operators: set[str], values: set[Any]) -> tuple[int, int, int]:
    operators.add(_NAMES[type(node.op)])
    values.add(operand(node.target))
    values.add(operand(node.value))
    return 1, 2, 0


def _match(node: Any, operators: set[str], values: set[Any]) -> tuple[int, int, int]:
    bare = any(getattr(case.pattern, "pattern", False) is None for case in node.cases)
    return 0, 0, max(0, len(node.cases) - bare)


_COUNTERS: dict[int, Callable[[Any, set[str], set[Any]], tuple[int, int, int]]] = {
    _COMPARE: _compare,
    _BOOLOP: _bool_op,
    _UNARY: _unary_op,
    _AUGASSIGN: _aug_assign,
    _LOOP: lambda node, _operators, _values: (0, 0, bool(node.orelse) + 1),
    _COMPREHENSION: lambda node, _operators, _values: (0, 0, len(node.ifs) + 1),
    _TRY: lambda node, _operators, _values: (0, 0, len(node.handlers) + bool(node.orelse)),
    _MATCH: _match,
}
"""(operators, operands, decision points) of the counted nodes other than If, Assert and BinOp."""
