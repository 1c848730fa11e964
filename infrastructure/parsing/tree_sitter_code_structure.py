"""The CodeStructure adapter on tree-sitter grammars: assertions and bodies of one unit's code."""

from __future__ import annotations

from tree_sitter import Node

from codemill.domain.code import Language
from codemill.domain.ports.code_structure import CodeStructure, Span
from codemill.infrastructure.parsing.language_specs import SPECS
from codemill.infrastructure.parsing.python_docstrings import docstring_statement, docstring_value
from codemill.infrastructure.parsing.structure_queries import (
    ASSERTION_QUERIES,
    JAVA_ASSERTION_CLASSES,
    JAVA_ASSERTION_PREFIX,
    JAVA_FAIL,
)
from codemill.infrastructure.parsing.unit_parse import ParsedUnit, assertion_cursor, parse_unit

_BLANK = b" \t\r\n\f\v"


class TreeSitterCodeStructure(CodeStructure):
    """Finds assertions (Python, Java) and bodies (every supported language) with tree-sitter.

    Rules on top of the CodeStructure contract:
    - the code is parsed as it is, then, for languages where a definition
      alone is not a program (a Java or JavaScript method, a PHP function),
      inside a wrapper; the first parse without errors is used, else the
      first that has what is asked, and a node with errors in it is ignored;
    - Python assertions: `assert` statements, `self.assert*(...)` /
      `self.fail*(...)` statements, and the header of `with
      self.assert*(...)` / `with pytest.raises|warns|deprecated_call(...)`
      up to its colon; Java: `assert` statements and statements whose call
      chain starts with `assert*(...)` or `fail(...)`, bare or on `Assert`,
      `Assertions` or `MatcherAssert`, with their `;`; an assertion nested
      in another (a lambda passed to `assertThrows`) is part of the outer one;
    - body: the first function of the code; Python: from the statement after
      the docstring (or the colon) to the end, comments included; braces:
      what is inside them, trimmed (an empty body is an empty span); an
      expression body (`= x`, `=> x`) without its arrow; Ruby: the statements
      before `end`.
    """

    def assertions(self, code: str, language: str) -> list[Span]:
        try:
            return _assertions(code, Language(language))
        except Exception:  # the port promises never to raise: unparseable code has no assertions
            return []

    def body(self, code: str, language: str) -> Span | None:
        try:
            return _body(code, Language(language))
        except Exception:  # the port promises never to raise: unparseable code has no body
            return None


def _assertions(code: str, language: Language) -> list[Span]:
    if language not in ASSERTION_QUERIES:
        return []
    parsed = parse_unit(code, language, want_function=False)
    if parsed is None:
        return []
    found: set[tuple[int, int]] = set()
    for _, match in assertion_cursor(language).matches(parsed.root):
        found.update(_match_spans(match, parsed))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda s: (s[0], -s[1])):
        if not spans or start >= spans[-1][1]:  # nested in the previous one: part of it
            spans.append((start, end))
    return [parsed.span(start, end) for start, end in spans]


def _match_spans(match: dict[str, list[Node]], parsed: ParsedUnit) -> list[tuple[int, int]]:
    if "assertion" in match:
        nodes = match["assertion"]
    elif "context" in match:
        context, colon = match["context"][0], match["colon"][0]
        clean = parsed.contains(context) and not colon.has_error
        return [(context.start_byte, colon.end_byte)] if clean and _clean_header(context, colon) else []
    elif _java_asserts(match["call"][0], parsed.data):
        nodes = match["statement"]
    else:
        return []
    return [(n.start_byte, n.end_byte) for n in nodes if parsed.contains(n) and not n.has_error]


def _clean_header(context: Node, colon: Node) -> bool:
    return not any(child.has_error for child in context.children if child.end_byte <= colon.end_byte)


def _java_asserts(call: Node, data: bytes) -> bool:
    """True when the first call of the chain is an assertion: `assertX(..)...`, `Assert.assertX(..)`."""
    first = call
    while (inner := first.child_by_field_name("object")) is not None and inner.type == "method_invocation":
        first = inner
    name = first.child_by_field_name("name")
    if name is None:
        return False
    called = data[name.start_byte : name.end_byte].decode("utf-8", "replace")
    if not (called.startswith(JAVA_ASSERTION_PREFIX) or called == JAVA_FAIL):
        return False
    owner = first.child_by_field_name("object")
    if owner is None:
        return True
    if owner.type == "field_access":
        owner = owner.child_by_field_name("field")
    return (
        owner is not None
        and owner.type == "identifier"
        and data[owner.start_byte : owner.end_byte].decode("utf-8", "replace") in JAVA_ASSERTION_CLASSES
    )


def _body(code: str, language: Language) -> Span | None:
    if language not in SPECS:
        return None
    parsed = parse_unit(code, language, want_function=True)
    if parsed is None or parsed.function is None:
        return None
    function, body = parsed.function.node, parsed.function.body
    if body is None or body.has_error:
        return None
    if language is Language.PYTHON:
        start, end = _python_body_start(function, body, parsed), min(function.end_byte, parsed.end)
    else:
        start, end = _inner(body, parsed.data)
    start, end = _trimmed(parsed.data, start, end)
    return parsed.span(start, end)


def _python_body_start(function: Node, body: Node, parsed: ParsedUnit) -> int:
    """Just after the docstring statement, or after the colon that ends the signature."""
    statement = docstring_statement(body)
    if statement is not None and docstring_value(statement, parsed.whole) is not None:
        start = statement.end_byte
        while parsed.data[start : start + 1] in (b" ", b"\t", b";") and start < body.end_byte:
            start += 1
        return start
    colon = None
    for child in function.children:
        if child.start_byte >= body.start_byte:
            break
        if child.type == ":":
            colon = child
    return colon.end_byte if colon is not None else body.start_byte


def _inner(body: Node, data: bytes) -> tuple[int, int]:
    """Inside the braces; an expression body without its `=` or `=>`."""
    start, end = body.start_byte, body.end_byte
    text = data[start:end]
    if text.startswith(b"{") and text.endswith(b"}") and end - start >= 2:
        return start + 1, end - 1
    for arrow in (b"=>", b"="):
        if text.startswith(arrow):
            return start + len(arrow), end
    return start, end


def _trimmed(data: bytes, start: int, end: int) -> tuple[int, int]:
    while start < end and data[start] in _BLANK:
        start += 1
    while end > start and data[end - 1] in _BLANK:
        end -= 1
    return start, end
