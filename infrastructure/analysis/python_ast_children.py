"""Which fields of each Python AST node class can hold other nodes that radon's visitors look at.

radon's visitors reach children through `ast.NodeVisitor.generic_visit`,
which reads every field. The classes' ASDL signatures (their docstrings,
e.g. `BinOp(expr left, operator op, expr right)`) say which fields hold
nodes; names, strings, numbers and the operator and context singletons are
left out, since no visitor counts anything in them.
"""

from __future__ import annotations

import ast
import re

_SCALAR_TYPES = frozenset(
    {"identifier", "string", "constant", "int", "expr_context", "type_ignore"}
    | {"operator", "unaryop", "boolop", "cmpop"}
)
_SIGNATURE = re.compile(r"^\w+\((.*)\)$")

ChildFields = tuple[tuple[str, ...], tuple[str, ...]]


def child_fields() -> dict[type, ChildFields]:
    """For each concrete AST class: its single (or optional) node fields, and its list fields."""
    table: dict[type, ChildFields] = {}
    pending: list[type] = [ast.AST]
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        fields = _fields_of(kind)
        if fields is not None:
            table[kind] = fields
    return table


def _fields_of(kind: type) -> ChildFields | None:
    """The node fields named in `kind`'s signature, or None when it has none to read."""
    match = _SIGNATURE.match((kind.__doc__ or "").strip().split("\n")[0])
    names: tuple[str, ...] = getattr(kind, "_fields", ())
    if match is None:
        return ((), ()) if not names else None
    singles: list[str] = []
    lists: list[str] = []
    for declaration in filter(None, (part.strip() for part in match.group(1).split(","))):
        type_name, _, name = declaration.rpartition(" ")
        if name not in names or type_name.rstrip("*?") in _SCALAR_TYPES:
            continue
        (lists if type_name.endswith("*") else singles).append(name)
    return tuple(singles), tuple(lists)
