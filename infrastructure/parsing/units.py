"""Code units built from placed definitions: text, lines, signature, docs and id."""

from __future__ import annotations

from tree_sitter import Node

from codemill.domain.code import CodeUnit, SourceFile
from codemill.infrastructure.parsing.comments import CommentIndex
from codemill.infrastructure.parsing.definitions import Definition
from codemill.infrastructure.parsing.doc_comments import doc_comment
from codemill.infrastructure.parsing.language_specs import LanguageSpec
from codemill.infrastructure.parsing.python_docstrings import (
    docstring_statement,
    docstring_value,
    is_only_statement,
    without_statement,
)
from codemill.infrastructure.parsing.source_bytes import SourceBytes
from codemill.infrastructure.parsing.token_ids import unit_ids

# (node holding the code, start byte, end byte, start row, end row)
_Span = tuple[Node, int, int, int, int]


class UnitBuilder:
    """Builds the code units of one parsed file."""

    def __init__(self, file: SourceFile, source: SourceBytes, spec: LanguageSpec, comments: CommentIndex):
        self._file = file
        self._source = source
        self._spec = spec
        self._comments = comments

    def build(self, definitions: list[Definition]) -> tuple[CodeUnit, ...]:
        spans = [self._code_span(definition.node) for definition in definitions]
        ids = unit_ids(self._source.data, [(span[1], span[2]) for span in spans], self._comments)
        return tuple(map(self._unit, definitions, spans, ids))

    def _unit(self, definition: Definition, span: _Span, unit_id: str) -> CodeUnit:
        code_node, start, end, start_row, end_row = span
        node = definition.node
        code = self._source.text(start, end)
        docstring, code_without_docstring = self._docs(definition, start, end, code)
        file = self._file
        return CodeUnit(
            id=unit_id,
            source=file.source,
            commit=file.commit,
            path=file.path,
            language=file.language,
            kind=definition.kind,
            name=definition.name,
            qualified_name=definition.qualified_name,
            signature=self._signature(node, definition.body),
            docstring=docstring,
            code=code,
            code_without_docstring=code_without_docstring,
            start_line=start_row + 1,
            end_line=end_row + 1,
            start_byte=start,
            end_byte=end,
            has_error=code_node.has_error,
        )

    def _code_span(self, node: Node) -> _Span:
        code_node = node
        if self._spec.code_wrapper_types:
            parent = node.parent
            if parent is not None and parent.type in self._spec.code_wrapper_types:
                code_node = parent
        start_row = node.start_point[0]
        last = _last_token_holder(node, self._comments)
        end_row, end_column = last.end_point
        if end_column == 0 and end_row > start_row:
            end_row -= 1
        return code_node, code_node.start_byte, last.end_byte, start_row, end_row

    def _signature(self, node: Node, body: Node | None) -> str:
        data = self._source.data
        if body is not None and body.start_byte > node.start_byte:
            header = self._comments.without_comments(data, node.start_byte, body.start_byte)
        else:
            line_end = data.find(b"\n", node.start_byte, node.end_byte)
            header = data[node.start_byte : line_end if line_end >= 0 else node.end_byte].rstrip()
            header = header.removesuffix(b"{")
        return " ".join(self._source.decode(header).split())

    def _docs(self, definition: Definition, start: int, end: int, code: str) -> tuple[str | None, str]:
        """(docstring, code without it): a doc comment above, or a Python docstring inside."""
        style = self._spec.doc_style
        if style is None:
            return self._python_docstring(definition.body, start, end, code)
        anchor = self._doc_anchor(definition.node)
        return doc_comment(style, anchor, self._comments, self._source.data), code

    def _python_docstring(self, body: Node | None, start: int, end: int, code: str) -> tuple[str | None, str]:
        statement = docstring_statement(body) if body is not None else None
        docstring = docstring_value(statement, self._source) if statement is not None else None
        if statement is None or docstring is None:
            return None, code
        stripped = without_statement(self._source.data, start, end, statement, is_only_statement(statement))
        return docstring, self._source.decode(stripped)

    def _doc_anchor(self, node: Node) -> int:
        """Where the definition's doc comment must end: above its wrappers and attributes."""
        anchor = node
        if self._spec.wrapper_types:
            parent = anchor.parent
            while parent is not None and parent.type in self._spec.wrapper_types:
                anchor, parent = parent, parent.parent
        start = anchor.start_byte
        if self._spec.attribute_types:
            sibling = anchor.prev_named_sibling
            while sibling is not None and sibling.type in self._spec.attribute_types:
                start, sibling = sibling.start_byte, sibling.prev_named_sibling
        return start


def _last_token_holder(node: Node, comments: CommentIndex) -> Node:
    """The deepest last descendant of `node` that is not a comment, when a comment ends it."""
    current = node
    while comments.ends_at(current.end_byte) and current.child_count:
        index = current.child_count - 1
        child = current.child(index)
        while child is not None and child.is_extra and index > 0:
            index -= 1
            child = current.child(index)
        if child is None or child.is_extra:
            break
        current = child
    return current
