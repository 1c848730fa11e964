"""The CodeParser adapter on tree-sitter grammars."""

from __future__ import annotations

import time

import tree_sitter

from codemill.domain.code import Language, ParseOutcome, SourceFile
from codemill.infrastructure.parsing.comments import CommentIndex
from codemill.infrastructure.parsing.definitions import Captures, place, read_captures
from codemill.infrastructure.parsing.grammars import END_OF_INPUT, cursor_for, parser_for
from codemill.infrastructure.parsing.language_specs import SPECS
from codemill.infrastructure.parsing.line_ends import with_lf_line_ends
from codemill.infrastructure.parsing.source_bytes import SourceBytes
from codemill.infrastructure.parsing.units import UnitBuilder

TIMEOUT = "timeout"
SYNTAX_ERRORS = "syntax_errors"
UNSUPPORTED_LANGUAGE = "unsupported_language"
PARSER_FAILURE = "parser_failure"

_READ_CHUNK = 1 << 16
_QUERY_CHUNK = 1 << 16


class TreeSitterCodeParser:
    """Extracts functions, methods and classes with tree-sitter queries.

    Rules on top of the CodeParser contract:
    - a file whose parsing and querying run past `timeout_ms` gives no units
      and `error_kind='timeout'`; a tree with ERROR or MISSING nodes gives its
      units and `error_kind='syntax_errors'`;
    - an unsupported language gives `error_kind='unsupported_language'`;
      any other failure inside the adapter gives `error_kind='parser_failure'`;
    - `parse_ms` is the time spent on the file, parsing and extraction.
    """

    def __init__(self, timeout_ms: int = 5000) -> None:
        self._timeout_s = timeout_ms / 1000

    def supports(self, language: Language) -> bool:
        return language in SPECS

    def extract(self, file: SourceFile) -> ParseOutcome:
        started = time.perf_counter()
        if file.language not in SPECS:
            return ParseOutcome(units=(), parse_ms=0.0, error_kind=UNSUPPORTED_LANGUAGE, has_error=True)
        try:
            return self._extract(file, started)
        except Exception:  # the port promises never to raise; the outcome names the failure
            return ParseOutcome(
                units=(), parse_ms=_ms_since(started), error_kind=PARSER_FAILURE, has_error=True
            )

    def _extract(self, file: SourceFile, started: float) -> ParseOutcome:
        spec = SPECS[file.language]
        source = SourceBytes.of(file.text)
        deadline = _Deadline(started + self._timeout_s)
        tree = deadline.parse(parser_for(file.language), with_lf_line_ends(source.data))
        captures = None
        if tree is not None:
            captures = deadline.query(cursor_for(file.language), tree.root_node, len(source.data))
        if tree is None or captures is None:
            return ParseOutcome(units=(), parse_ms=_ms_since(started), error_kind=TIMEOUT, has_error=True)
        definitions, comment_spans = read_captures(captures, spec, source)
        comments = CommentIndex(comment_spans)
        units = UnitBuilder(file, source, spec, comments).build(place(definitions))
        has_error = tree.root_node.has_error
        return ParseOutcome(
            units=units,
            parse_ms=_ms_since(started),
            error_kind=SYNTAX_ERRORS if has_error else None,
            has_error=has_error,
        )


class _Deadline:
    """Stops tree-sitter work on one file at a perf_counter time.

    Parsing checks the time through tree-sitter's progress callback. The
    query cursor's progress callback is unsafe in this binding (it keeps a
    pointer to options that no longer exist), so the query runs over the file
    in byte-range chunks and checks the time between them: a node with very
    many children, such as a huge one-line literal, slows the query down far
    more than the parse. One chunk cannot be interrupted; trees nested tens
    of thousands of levels deep can still overrun the limit there.
    """

    def __init__(self, at: float) -> None:
        self._at = at

    def passed(self) -> bool:
        return time.perf_counter() > self._at

    def parse(self, parser: tree_sitter.Parser, data: bytes) -> tree_sitter.Tree | None:
        """The tree of `data`, or None when parsing runs past the deadline."""

        def read(offset: int, _point: tuple[int, int]) -> bytes:
            return data[offset : offset + _READ_CHUNK]

        def stop(_offset: int, _has_error: bool) -> bool:
            return self.passed()

        try:
            return parser.parse(read, progress_callback=stop)
        except ValueError:
            parser.reset()
            if self.passed():
                return None
            raise

    def query(self, cursor: tree_sitter.QueryCursor, root: tree_sitter.Node, size: int) -> Captures | None:
        """The query's captures under `root`, or None when the deadline passes first."""
        merged: dict[str, set[tree_sitter.Node]] = {}
        for start in range(0, max(size, 1), _QUERY_CHUNK):
            if self.passed():
                return None
            end = start + _QUERY_CHUNK
            cursor.set_byte_range(start, end if end < size else END_OF_INPUT)
            captures = cursor.captures(root)
            if start == 0 and end >= size:
                return captures
            for name, nodes in captures.items():
                merged.setdefault(name, set()).update(nodes)
        return {name: list(nodes) for name, nodes in merged.items()}


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
