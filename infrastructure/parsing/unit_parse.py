"""One unit's code parsed on its own: as it is, or inside a wrapper that makes it a program."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

import tree_sitter
from tree_sitter import Node

from codemill.domain.code import Language
from codemill.domain.ports.code_structure import Span
from codemill.infrastructure.parsing.definitions import Definition, read_captures
from codemill.infrastructure.parsing.grammars import cursor_for, grammar, parser_for
from codemill.infrastructure.parsing.language_specs import SPECS
from codemill.infrastructure.parsing.source_bytes import SourceBytes
from codemill.infrastructure.parsing.structure_queries import ASSERTION_QUERIES, NO_WRAPPER, WRAPPERS


@dataclass(slots=True)
class ParsedUnit:
    """One parse of the code, maybe inside a wrapper that starts at byte `start`."""

    tree: tree_sitter.Tree
    data: bytes
    start: int
    end: int
    source: SourceBytes  # the code alone
    function: Definition | None = None

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @property
    def whole(self) -> SourceBytes:
        """The parsed data, wrapper included."""
        return SourceBytes(self.data, self.source.errors)

    def contains(self, node: Node) -> bool:
        return self.start <= node.start_byte and node.end_byte <= self.end

    def span(self, start: int, end: int) -> Span:
        """Byte offsets into the parsed data as character offsets into the code."""
        return self._char(start), self._char(end)

    def _char(self, offset: int) -> int:
        offset -= self.start
        code = self.source.data
        return offset if code.isascii() else len(self.source.decode(code[:offset]))


def parse_unit(code: str, language: Language, *, want_function: bool) -> ParsedUnit | None:
    """The first parse without errors (and with a function, when wanted), else the first usable one."""
    source = SourceBytes.of(code)
    fallback = None
    for prefix, suffix in WRAPPERS.get(language, NO_WRAPPER):
        head = prefix.encode("ascii")
        data = head + source.data + suffix.encode("ascii")
        tree = parser_for(language).parse(data)
        parsed = ParsedUnit(tree, data, len(head), len(head) + len(source.data), source)
        if want_function:
            parsed.function = _first_function(parsed, language)
            if parsed.function is None:
                continue
        if not tree.root_node.has_error:
            return parsed
        fallback = fallback or parsed
    return fallback


def _first_function(parsed: ParsedUnit, language: Language) -> Definition | None:
    cursor = cursor_for(language)
    definitions, _ = read_captures(cursor.captures(parsed.root), SPECS[language], parsed.whole)
    return next(
        (d for d in definitions if d.role == "function" and parsed.contains(d.node)),
        None,
    )


@cache
def _assertion_query(language: Language) -> tree_sitter.Query:
    return tree_sitter.Query(grammar(language), ASSERTION_QUERIES[language])


class _Cursors(threading.local):
    def __init__(self) -> None:
        self.assertions: dict[Language, tree_sitter.QueryCursor] = {}


_cursors = _Cursors()


def assertion_cursor(language: Language) -> tree_sitter.QueryCursor:
    """This thread's cursor over the assertion query of `language` (which must have one)."""
    cursor = _cursors.assertions.get(language)
    if cursor is None:
        cursor = _cursors.assertions[language] = tree_sitter.QueryCursor(_assertion_query(language))
    return cursor
