"""Definitions found by a language's query, placed in their nesting.

The query runs in the tree-sitter C library; this module turns its captures
into definitions with a kind and a qualified name. A definition's name, body
and receiver are the first such captures inside it, and nesting comes from
byte ranges, so no tree walking is needed.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from operator import attrgetter

from tree_sitter import Node

from codemill.domain.code import UnitKind
from codemill.infrastructure.parsing.language_specs import LanguageSpec
from codemill.infrastructure.parsing.names import bare_type_name, declared_name, split_qualified
from codemill.infrastructure.parsing.source_bytes import SourceBytes

_ROLES = ("function", "class", "scope")
_START = attrgetter("start_byte")


@dataclass(slots=True)
class Definition:
    """One definition: a unit to emit (`function`, `class`) or a `scope` that only qualifies."""

    node: Node
    role: str
    name: str
    receiver: str
    body: Node | None
    kind: UnitKind = UnitKind.FUNCTION
    qualified_name: str = ""


Captures = dict[str, list[Node]]


class _InOrder:
    """Nodes of one capture, sorted, to find the first one starting inside a range."""

    __slots__ = ("nodes", "starts")

    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = sorted(nodes, key=_START)
        self.starts = list(map(_START, self.nodes))

    def first_in(self, start: int, end: int, owner: Node | None = None) -> Node | None:
        """The first node starting in [start, end) and ending by `end`.

        With an `owner`, a node starting exactly where the owner does must be
        the owner itself: an enclosing block can share the owner's start.
        """
        index = bisect_left(self.starts, start)
        while index < len(self.starts) and self.starts[index] < end:
            node = self.nodes[index]
            if node.end_byte <= end and (owner is None or node.start_byte > start or node == owner):
                return node
            index += 1
        return None


def read_captures(
    captures: Captures, spec: LanguageSpec, source: SourceBytes
) -> tuple[list[Definition], list[tuple[int, int]]]:
    """The definitions (widest per name, in source order) and the comment spans of a file."""
    parts = _Parts(captures, spec, source)
    chosen: dict[int, Definition] = {}
    for role in _ROLES:
        for node in captures.get(role, ()):
            definition, key = parts.definition(node, role)
            known = chosen.get(key)
            if known is None or _width(definition.node) > _width(known.node):
                chosen[key] = definition
    ordered = sorted(chosen.values(), key=lambda d: (d.node.start_byte, -d.node.end_byte))
    comments = [(node.start_byte, node.end_byte) for node in captures.get("comment", ())]
    return ordered, comments


class _Parts:
    """Pairs each definition with its name, receiver and body captures."""

    def __init__(self, captures: Captures, spec: LanguageSpec, source: SourceBytes) -> None:
        self._names = _InOrder(captures.get("name", []))
        self._receivers = _InOrder(captures.get("receiver", []))
        self._bodies = _InOrder(captures.get("body", []))
        self._spec = spec
        self._source = source

    def definition(self, node: Node, role: str) -> tuple[Definition, int]:
        """The definition of `node` and its identity (where its name starts)."""
        start, end = node.start_byte, node.end_byte
        body = self._bodies.first_in(start, end, node)
        header_end = body.start_byte if body is not None else end
        name_node = self._names.first_in(start, header_end)
        receiver_node = self._receivers.first_in(start, name_node.start_byte if name_node else header_end)
        receiver = ""
        if name_node is None:
            name = self._spec.default_names.get(node.type, "")
        else:
            named = declared_name(name_node)
            name = self._source.text(named.start_byte, named.end_byte).strip()
            if role == "scope":
                name = bare_type_name(name)
            else:
                receiver, name = split_qualified(name)
        if receiver_node is not None:
            receiver = bare_type_name(self._source.text(receiver_node.start_byte, receiver_node.end_byte))
        key = name_node.start_byte if name_node is not None else start
        return Definition(node, role, name, receiver, body), key


def _width(node: Node) -> int:
    return node.end_byte - node.start_byte


def place(definitions: list[Definition]) -> list[Definition]:
    """Set kind and qualified name from the enclosing definitions; return the units to emit."""
    open_scopes: list[tuple[int, str, bool]] = []  # (end byte, qualified name, class-like)
    units = []
    for definition in definitions:
        start = definition.node.start_byte
        while open_scopes and open_scopes[-1][0] <= start:
            open_scopes.pop()
        prefix, in_class = open_scopes[-1][1:] if open_scopes else ("", False)
        parts = (prefix, definition.receiver, definition.name)
        qualified = ".".join(part for part in parts if part)
        open_scopes.append((definition.node.end_byte, qualified, definition.role != "function"))
        if definition.role == "scope" or not definition.name:
            continue
        if definition.role == "class":
            definition.kind = UnitKind.CLASS
        elif definition.receiver or in_class:
            definition.kind = UnitKind.METHOD
        definition.qualified_name = qualified
        units.append(definition)
    return units
