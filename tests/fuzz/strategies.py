"""Hypothesis strategies for files as the collect step meets them.

Random bytes, source assembled from grammar fragments, real standard-library
files cut at random offsets, other encodings and byte order marks, very long
lines and deeply nested code; every strategy draws a `RawFile`.
"""

from __future__ import annotations

import sysconfig
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from codemill.domain.code import Language
from codemill.domain.sources import RawFile
from tests.fuzz.grammar_fragments import EXTENSIONS, FRAGMENTS, Fragments

LANGUAGES = sorted(FRAGMENTS)
CORPUS = Path(__file__).parents[1] / "integration" / "parsing" / "corpus"
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252")
NEWLINES = ("\n", "\r\n", "\r")

# NFKC-stable names (Python normalises identifiers), ASCII and not.
_NAMES = ("alpha", "beta_2", "_private", "get", "données", "λόγος", "名前", "ñandú", "Δx", "żółw", "a" * 40)

identifiers = st.sampled_from(_NAMES)
# A string literal's or comment's contents: no quotes, escapes, braces, newlines or comment ends.
literal_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
        blacklist_characters="\"'`\\{}$*/<>#?\x85",
    ),
    max_size=30,
)


@dataclass(frozen=True)
class Node:
    """One element of generated source: a statement, a block, a function, a method or a class."""

    kind: str  # 'statement', 'block', 'function', 'method', 'class'
    template: str
    children: tuple[Node, ...] = ()


def _nodes(fragments: Fragments) -> st.SearchStrategy[Node]:
    statement = st.builds(
        lambda template, text: Node("statement", template.format(text=text)),
        st.sampled_from(fragments.statements),
        literal_text,
    )

    def header(kind: str, pattern: str) -> st.SearchStrategy[str]:
        return identifiers.map(lambda name: pattern.format(name=name if kind != "class" else name.title()))

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        body = st.lists(children, max_size=4).map(tuple)
        return st.one_of(
            st.builds(Node, st.just("function"), header("function", fragments.function), body),
            st.builds(Node, st.just("method"), header("method", fragments.method), body),
            st.builds(Node, st.just("class"), header("class", fragments.class_), body),
            st.builds(Node, st.just("block"), st.sampled_from(fragments.blocks).map(_unescape), body),
        )

    return st.recursive(statement, extend, max_leaves=25)


def _unescape(template: str) -> str:
    return template.format()


def render(fragments: Fragments, nodes: list[Node], newline: str = "\n") -> str:
    lines: list[str] = []

    def emit(node: Node, depth: int) -> None:
        indent = "    " * depth
        lines.append(indent + node.template)
        if node.kind == "statement":
            return
        for child in node.children:
            emit(child, depth + 1)
        if fragments.indented:
            if all(child.template.startswith("#") for child in node.children):
                lines.append(indent + "    pass")
        else:
            lines.append(indent + (fragments.class_close if node.kind == "class" else fragments.close))

    for node in nodes:
        emit(node, 0)
    return fragments.prelude + newline.join(lines) + newline


@st.composite
def grammar_sources(draw: st.DrawFn, languages: list[Language] | None = None) -> tuple[Language, str]:
    """(language, source text) built from that language's fragments."""
    language = draw(st.sampled_from(languages or LANGUAGES))
    fragments = FRAGMENTS[language]
    nodes = draw(st.lists(_nodes(fragments), min_size=1, max_size=6))
    return language, render(fragments, nodes, draw(st.sampled_from(NEWLINES)))


def _as_file(language: Language, data: bytes, stem: str = "fuzzed") -> RawFile:
    return RawFile(path=f"src/{stem}{FRAGMENTS[language].extension}", data=data, source="fuzz")


@st.composite
def grammar_files(draw: st.DrawFn) -> RawFile:
    """Assembled source, encoded as UTF-8."""
    language, text = draw(grammar_sources())
    return _as_file(language, text.encode("utf-8"))


@st.composite
def python_files(draw: st.DrawFn) -> RawFile:
    """Assembled Python source, for the comparison with `ast`."""
    _, text = draw(grammar_sources([Language.PYTHON]))
    return _as_file(Language.PYTHON, text.encode("utf-8"))


@st.composite
def reencoded_files(draw: st.DrawFn) -> RawFile:
    """Assembled source in another encoding, with or without a byte order mark."""
    language, text = draw(grammar_sources())
    encoding = draw(st.sampled_from(ENCODINGS))
    return _as_file(language, text.encode(encoding, "replace"))


@st.composite
def random_byte_files(draw: st.DrawFn) -> RawFile:
    """Arbitrary bytes under any supported extension (or none), sometimes after a shebang."""
    extension = draw(st.sampled_from(EXTENSIONS))
    head = draw(st.sampled_from((b"", b"#!/usr/bin/env python3\n", b"\xef\xbb\xbf", b"<?php ")))
    body = draw(st.binary(max_size=2048))
    return RawFile(path=f"bin/blob{extension}", data=head + body, source="fuzz")


@cache
def real_files() -> tuple[Path, ...]:
    """The hand-written corpus of every language and every eighth top-level standard-library module."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    python = sorted(stdlib.glob("*.py"))[::8]
    return tuple(sorted(path for path in CORPUS.rglob("*") if path.is_file())) + tuple(python)


@st.composite
def truncated_files(draw: st.DrawFn) -> RawFile:
    """A real file cut at a random byte offset (possibly inside a multi-byte character)."""
    path = draw(st.sampled_from(real_files()))
    data = path.read_bytes()
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    return RawFile(path=f"real/{path.name}", data=data[:cut], source="fuzz")


@st.composite
def long_line_files(draw: st.DrawFn) -> RawFile:
    """A definition holding one very long line, among short lines or alone."""
    language = draw(st.sampled_from(LANGUAGES))
    fragments = FRAGMENTS[language]
    width = draw(st.integers(min_value=1_000, max_value=60_000))
    filler = draw(st.sampled_from(("a", "é", "名", "1, ")))
    literal = (filler * width)[:width]
    statement = Node("statement", draw(st.sampled_from(fragments.statements)).format(text=literal))
    body = (statement, *[Node("statement", "return a")] * draw(st.integers(0, 300)))
    function = Node("function", fragments.function.format(name="long"), body)
    return _as_file(language, render(fragments, [function]).encode("utf-8"), "long")


@st.composite
def deeply_nested_files(draw: st.DrawFn) -> RawFile:
    """Brackets or blocks nested 50 to 500 levels deep, inside a definition or at the top."""
    language = draw(st.sampled_from(LANGUAGES))
    fragments = FRAGMENTS[language]
    depth = draw(st.integers(min_value=50, max_value=500))
    if draw(st.booleans()):
        opener, closer = draw(st.sampled_from((("[", "]"), ("(", ")"), ("{", "}"))))
        node = Node("statement", "x = " + opener * depth + "1" + closer * depth)
    else:
        template = draw(st.sampled_from(fragments.blocks)).format()
        leaf = Node("statement", "return a")
        node = leaf
        for _ in range(depth):
            node = Node("block", template, (node,))
    function = Node("function", fragments.function.format(name="deep"), (node,))
    nodes = [function] if draw(st.booleans()) else [node]
    return _as_file(language, render(fragments, nodes).encode("utf-8"), "deep")
