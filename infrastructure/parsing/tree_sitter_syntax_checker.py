"""The SyntaxChecker adapter: a snippet wrapped in the least code its grammar needs, then parsed."""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter

from codemill.domain.code import Language
from codemill.domain.ports.syntax_checker import Snippet
from codemill.infrastructure.parsing.grammars import parser_for
from codemill.infrastructure.parsing.language_specs import SPECS

log = logging.getLogger("codemill.parsing")


@dataclass(frozen=True, slots=True)
class _Wrapper:
    """`prefix + snippet + suffix`; with `enclosed`, one node must span from the prefix's last `opener`
    to the suffix's first `closer`, so that a snippet that closes the wrapper early (`} void g() {`)
    is invalid even where what it leaves parses."""

    prefix: str = ""
    suffix: str = ""
    enclosed: bool = False
    opener: str = "{"
    closer: str = "}"


_TOP = _Wrapper()
_C_FUNCTION = _Wrapper("void _f() {\n", "\n}", enclosed=True)
_IN_METHOD = _Wrapper("class _C {\nvoid _m() {\n", "\n}\n}", enclosed=True)  # Java, C#
_IN_CLASS = _Wrapper("class _C {\n", "\n}", enclosed=True)
_STATEMENTS: dict[Language, _Wrapper] = {  # where an assertion or a body goes
    Language.JAVA: _IN_METHOD,
    Language.CSHARP: _IN_METHOD,
    Language.JAVASCRIPT: _Wrapper("async function* _f() {\n", "\n}", enclosed=True),
    Language.TYPESCRIPT: _Wrapper("async function* _f() {\n", "\n}", enclosed=True),
    Language.TSX: _Wrapper("async function* _f() {\n", "\n}", enclosed=True),
    Language.GO: _Wrapper("func _f() {\n", "\n}", enclosed=True),
    Language.RUST: _Wrapper("fn _f() {\n", "\n}", enclosed=True),
    Language.C: _C_FUNCTION,
    Language.CPP: _C_FUNCTION,
    Language.KOTLIN: _Wrapper("fun _f() {\n", "\n}", enclosed=True),
    Language.PHP: _Wrapper("<?php\nfunction _f() {\n", "\n}", enclosed=True),
    Language.RUBY: _Wrapper("def _f\n", "\nend", enclosed=True, opener="def", closer="end"),
}
_UNITS: dict[Language, tuple[_Wrapper, ...]] = {  # a function, a method or a class
    Language.JAVA: (_IN_CLASS,),
    Language.CSHARP: (_IN_CLASS,),
    Language.JAVASCRIPT: (_TOP, _IN_CLASS),
    Language.TYPESCRIPT: (_TOP, _IN_CLASS),
    Language.TSX: (_TOP, _IN_CLASS),
    Language.CPP: (_TOP, _Wrapper("class _C {\n", "\n};", enclosed=True)),
    Language.RUST: (_TOP, _Wrapper("impl _C {\n", "\n}", enclosed=True)),
    Language.PHP: (_Wrapper("<?php\n"), _Wrapper("<?php\nclass _C {\n", "\n}", enclosed=True)),
}
_ECMASCRIPT = frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.TSX})
_PYTHON_BODY = _Wrapper("def _f():\n")
_INDENT = "    "


class TreeSitterSyntaxChecker:
    """SyntaxChecker (see the port) on the tree-sitter grammar wheels.

    Wrappers, by snippet kind (valid = no ERROR or MISSING node anywhere):
    - Python: an assertion and a unit parse at module level (dedented); a
      body goes under `def _f():` with every line indented; when its first
      line has no indentation of its own (a span cut from inside a function)
      it is tried at each indentation the later lines use;
    - JavaScript, TypeScript: an assertion parses at top level, a body inside
      `async function* _f() { }` (so `return`, `await` and `yield` fit);
    - Java, C#: assertion and body inside `class _C { void _m() { } }`, a
      unit inside `class _C { }`;
    - Go, Rust, C, C++, Kotlin, PHP, Ruby: assertion and body inside a
      function (`func _f() {}`, `fn _f() {}`, `void _f() {}`, `fun _f() {}`,
      `<?php function _f() {}`, `def _f ... end`), a unit at top level (a
      method also inside `impl`/`class`);
    - a snippet that closes its wrapper early (`} void g() {`) is invalid.
    Parsers are the per-thread, per-language ones of `grammars.parser_for`.
    """

    def supports(self, language: str) -> bool:
        return _language(language) is not None

    def is_valid(self, code: str, language: str, snippet: Snippet) -> bool:
        known = _language(language)
        if known is None or not isinstance(code, str) or not code.strip():
            return False
        try:
            return any(_parses(known, text, wrapper) for text, wrapper in _candidates(known, code, snippet))
        except Exception:  # the port never raises: a grammar's failure is a snippet that does not parse
            log.debug("syntax check of a %s %s failed", language, snippet, exc_info=True)
            return False


def _language(name: str) -> Language | None:
    try:
        language = Language(name.strip().lower())
    except (ValueError, AttributeError):
        return None
    return language if language in SPECS and _grammar_loads(language) else None


def _grammar_loads(language: Language) -> bool:
    try:
        parser_for(language)
    except Exception:  # a grammar wheel that is missing or broken: the language is not supported
        return False
    return True


def _candidates(language: Language, code: str, snippet: Snippet) -> Iterator[tuple[str, _Wrapper]]:
    if language is Language.PYTHON:
        if snippet == "body":
            yield from ((text, _PYTHON_BODY) for text in _python_bodies(code))
        else:
            yield textwrap.dedent(code).strip("\n"), _TOP
        return
    if snippet == "unit":
        yield from ((code, wrapper) for wrapper in _UNITS.get(language, (_TOP,)))
        return
    if snippet == "assertion" and language in _ECMASCRIPT:
        yield code, _TOP
        return
    yield code, _STATEMENTS[language]


def _python_bodies(code: str) -> Iterator[str]:
    """The body indented under a `def`. Its first line, when unindented, is tried at every indentation
    of the later lines and below all of them: where it stood in the function is not known."""
    lines = code.strip("\n").split("\n")
    first, rest = lines[0], lines[1:]
    margins = {_margin(line) for line in rest if line.strip()}
    starts = [""] if _margin(first) or not margins else ["", *sorted(margins, key=len)]
    for start in starts:
        yield "\n".join(_INDENT + line if line.strip() else line for line in [start + first, *rest])


def _margin(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _parses(language: Language, code: str, wrapper: _Wrapper) -> bool:
    source = (wrapper.prefix + code + wrapper.suffix).encode("utf-8", errors="surrogatepass")
    root = parser_for(language).parse(source).root_node
    if root.has_error:
        return False
    if not wrapper.enclosed:
        return True
    start = wrapper.prefix.rindex(wrapper.opener)  # the wrappers are ASCII: characters are bytes
    end = len(source) - len(wrapper.suffix) + wrapper.suffix.index(wrapper.closer) + len(wrapper.closer)
    return _spanned(root, start, end)


def _spanned(root: tree_sitter.Node, start: int, end: int) -> bool:
    """Some node below the root starts exactly at byte `start` and ends exactly at byte `end`."""
    node: tree_sitter.Node | None = root.descendant_for_byte_range(start, end)
    while node is not None and node.parent is not None:
        if node.start_byte == start and node.end_byte == end:
            return True
        node = node.parent
    return False
