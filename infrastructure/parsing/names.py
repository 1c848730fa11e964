"""Names of definitions as written in code, reduced to the parts a qualified name uses."""

from __future__ import annotations

import re

from tree_sitter import Node

# C and C++ wrap a function's name in declarators: `*f(void)`, `&at(int)`, `(*pick(int))(int)`.
_DECLARATOR_TYPES = frozenset(
    {
        "function_declarator",
        "pointer_declarator",
        "reference_declarator",
        "parenthesized_declarator",
        "attributed_declarator",
    }
)
# Reference, pointer, lifetime and `mut`/`dyn` prefixes of a type: `&'a mut T`, `*T`.
_TYPE_PREFIX = re.compile(r"^[\s&*]*(?:'\w+\s+)?(?:(?:mut|dyn|const)\s+)?")
_TYPE_ARGUMENTS = re.compile(r"[<\[(]")


def declared_name(node: Node) -> Node:
    """The node naming a declarator: `f` in `*f(int a)`, `A::m` in `A::m() const`."""
    while node.type in _DECLARATOR_TYPES:
        inner = node.child_by_field_name("declarator")
        if inner is None:
            inner = node.named_child(0) if node.named_child_count else None
        if inner is None:
            break
        node = inner
    return node


def bare_type_name(text: str) -> str:
    """`Queue` from `*Queue[T]`, `Ledger` from `Ledger<'a, K>`, `Display` from `fmt::Display`."""
    stripped = _TYPE_PREFIX.sub("", text.strip())
    cut = _TYPE_ARGUMENTS.search(stripped)
    if cut is not None and cut.start() > 0:
        stripped = stripped[: cut.start()]
    last = stripped.replace("::", ".").rsplit(".", 1)[-1].strip()
    return last or text.strip()


def split_qualified(text: str) -> tuple[str, str]:
    """(qualifier, name) of `A<T>::B::m` as ('A.B', 'm'); the qualifier is '' when absent."""
    if "::" not in text:
        return "", text
    *scopes, name = _split_outside_brackets(text)
    qualifier = ".".join(bare_type_name(scope) for scope in scopes if scope)
    return qualifier, name


def _split_outside_brackets(text: str) -> list[str]:
    """`text` split at each `::` that is not inside `<...>` (template arguments)."""
    parts: list[str] = []
    depth = start = index = 0
    while index < len(text):
        char = text[index]
        if char == "<":
            depth += 1
        elif char == ">" and depth:
            depth -= 1
        elif depth == 0 and text.startswith("::", index):
            parts.append(text[start:index].strip())
            start = index + 2
            index += 1
        index += 1
    parts.append(text[start:].strip())
    return parts
