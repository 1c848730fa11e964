"""Body generation: a function's signature and documentation -> its body.

The input is the unit's code with its body replaced by `MASK_TOKEN`; the
signature, and the docstring (Python, inside the code) or the doc comment
(other languages, written back above the code in the language's doc-comment
form), stay. The target is the body: for Python dedented so that it starts
at column 0, elsewhere the text between the braces as written, trimmed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from codemill.domain.code import Language, UnitKind
from codemill.domain.corpus import UnitRecord
from codemill.domain.dataset import MASK_TOKEN
from codemill.domain.ports.code_structure import CodeStructure

MIN_BODY_LINES = 1  # lines of real code: not blank, not a comment, not `pass` or `...`
MAX_BODY_LINES = 60

_TRIVIAL_LINES = frozenset({"pass", "...", ";", "{", "}"})
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"//[^\n]*")
_HASH_COMMENT = re.compile(r"#[^\n]*")
_HASH_ONLY = frozenset({Language.PYTHON, Language.RUBY})  # `//` is floor division or a regex there
_LINE_DOCS = {
    Language.RUBY: "#",
    Language.RUST: "///",
    Language.CSHARP: "///",
    Language.GO: "//",
    Language.C: "//",
    Language.CPP: "//",
}

BodyMaker = Callable[[UnitRecord], tuple[str, str] | str]  # (input, target), or the reason for none


def body_maker(structure: CodeStructure) -> BodyMaker:
    """(input, target) of a unit, or why it gives no sample: 'not_a_function', 'no_body',
    'body_too_short' (under `MIN_BODY_LINES` lines of real code), 'body_too_long' (over `MAX_BODY_LINES`)."""

    def make(record: UnitRecord) -> tuple[str, str] | str:
        unit = record.unit
        if unit.kind is UnitKind.CLASS:
            return "not_a_function"
        span = structure.body(unit.code, str(unit.language))
        if span is None:
            return "no_body"
        start, end = span
        target = _target(unit.code, start, end, unit.language)
        if _real_lines(target, unit.language) < MIN_BODY_LINES:
            return "body_too_short"
        if target.count("\n") + 1 > MAX_BODY_LINES:
            return "body_too_long"
        text = unit.code[:start] + MASK_TOKEN + unit.code[end:]
        if unit.docstring and unit.language is not Language.PYTHON:
            text = _doc_comment(unit.docstring, unit.language) + text
        return text, target

    return make


def _target(code: str, start: int, end: int, language: Language) -> str:
    body = code[start:end]
    if language is not Language.PYTHON:
        return body
    indent = code[code.rfind("\n", 0, start) + 1 : start]
    if not indent or indent.strip():  # at column 0 already, or on the `def` line
        return body
    lines = body.split("\n")
    return "\n".join([lines[0], *(_dedent(line, indent) for line in lines[1:])])


def _dedent(line: str, indent: str) -> str:
    if line.startswith(indent):
        return line[len(indent) :]
    return "" if not line.strip() else line


def _real_lines(body: str, language: Language) -> int:
    if language in _HASH_ONLY:
        body = _HASH_COMMENT.sub("", body)
    else:
        body = _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", body))
        if language is Language.PHP:
            body = _HASH_COMMENT.sub("", body)
    return sum(1 for line in body.split("\n") if line.strip() and line.strip() not in _TRIVIAL_LINES)


def _doc_comment(docstring: str, language: Language) -> str:
    lines = docstring.split("\n")
    marker = _LINE_DOCS.get(language)
    if marker is not None:
        return "".join(f"{marker} {line}".rstrip() + "\n" for line in lines)
    middle = "".join(f" * {line}".rstrip() + "\n" for line in lines)
    return f"/**\n{middle} */\n"
