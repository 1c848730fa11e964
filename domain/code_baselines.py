"""Trivial baselines of the tasks whose target is code: the commonest assertion shape, a stub body."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from codemill.domain.dataset import MASK_TOKEN

STUB_BODIES: Mapping[str, str] = {  # per language: a body that parses (and compiles in most functions)
    "python": "pass",
    "java": "return null;",
    "csharp": "return null;",
    "javascript": "return null;",
    "typescript": "return null;",
    "tsx": "return null;",
    "php": "return null;",
    "c": "return 0;",
    "cpp": "return 0;",
    "go": "return nil",
    "rust": "todo!()",
    "kotlin": "TODO()",
    "ruby": "nil",
}
_FOCAL_SEPARATOR = "</s>"  # between an assertion task's test and its tested function
_NAME, _NUMBER, _STRING = "<name>", "<number>", "<string>"
_SLOTS = frozenset({_NAME, _NUMBER, _STRING})
_TOKEN = re.compile(
    r'(?P<string>"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`[^`]*`)'
    r"|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\w*)"
    r"|(?P<name>\$?[^\W\d]\w*)"
    r"|(?P<other>\S)"
)
# Kept as they are: assertion vocabulary (assert*, expect/to*, matchers) and keywords of the languages.
_ASSERTION_WORD = re.compile(r"(?:[Aa]ssert\w*|expect|fail|(?:to|is|has|not)[A-Z]\w*)$")
_KEPT = (
    frozenset({"self", "this", "$this", "cls", "super", "t", "new", "not", "in", "is", "and", "or", "as"})
    | frozenset({"None", "True", "False", "null", "true", "false", "nil", "undefined", "lambda", "with"})
    | frozenset({"await", "instanceof", "typeof", "pytest", "raises", "approx", "equalTo", "contains"})
    | frozenset({"Assert", "Assertions", "Assume", "Expect"})
)
_ASSIGNED = re.compile(  # a local variable's assignment at the start of a line
    r"^[ \t]*(?!(?:if|elif|while|for|return|else|case|when|assert)\b)"
    r"(?:(?:final|const|let|var|val|auto|mut|my|static)\s+)*"
    r"(?:[A-Za-z_][\w.]*(?:<[^=;()\n]*>)?(?:\[\])*[ \t]+)?"
    r"(\$?[A-Za-z_]\w*)[ \t]*(?::[ \t]*[\w\[\]., |]+)?(?::=|=(?![=>]))",
    re.MULTILINE,
)


def stub_body(language: str) -> str:
    """The body baseline of `language`: 'pass', 'return null;', ... ('' for a language not listed)."""
    return STUB_BODIES.get(language, "")


def assigned_local(masked_input: str) -> str:
    """The local variable most likely under test: the last one the test assigns before the mask (else
    the first it assigns after it); '' when it assigns none. The tested function that may follow the
    test (after `</s>`) is not looked at."""
    test = masked_input.split(_FOCAL_SEPARATOR, 1)[0]
    names = [(match.start(), match.group(1)) for match in _ASSIGNED.finditer(test)]
    mask = test.find(MASK_TOKEN)
    before = [name for start, name in names if mask < 0 or start < mask]
    if before:
        return before[-1]
    return names[0][1] if names else ""


@dataclass(frozen=True, kw_only=True)
class AssertionShape:
    """An assertion with its names and literals cut out: `self.assertEqual(<name>, <number>)`.

    `parts` alternate text and slots; `fillers` holds, per slot in order, its
    most frequent filler in the training assertions of this shape.
    """

    parts: tuple[tuple[str, str], ...]  # (text before the token, the token or its slot)
    fillers: tuple[str, ...]

    @property
    def template(self) -> str:
        return "".join(gap + token for gap, token in self.parts).strip()

    def instantiate(self, masked_input: str) -> str:
        """The shape with its first name slot filled by the input's local variable (`assigned_local`)
        and every other slot by its most frequent filler."""
        local = assigned_local(masked_input)
        fillers = iter(self.fillers)
        out, named = [], False
        for gap, token in self.parts:
            text = token
            if token in _SLOTS:
                text = next(fillers)
                if token == _NAME and not named:
                    text, named = local or text, True
            out.append(gap + text)
        return "".join(out).strip()


def most_frequent_shape(assertions: Iterable[str]) -> AssertionShape | None:
    """The commonest shape of the assertions (ties: the first seen), None when there are none.

    Names other than assertion words (`assert*`, `Assert*`, `expect`, `fail`,
    `to*`/`is*`/`has*`/`not*` matchers) and keywords (`self`, `this`, `new`,
    `None`, `null`, `true`, ...) become `<name>`, numbers `<number>`, strings
    `<string>`; the spacing is that of the shape's first assertion.
    """
    shapes: dict[tuple[str, ...], list[tuple[tuple[str, str], ...]]] = {}
    for text in assertions:
        parts = _parts(text)
        if parts:
            shapes.setdefault(tuple(_slot(token) for _, token in parts), []).append(parts)
    if not shapes:
        return None
    key = max(shapes, key=lambda shape: len(shapes[shape]))  # max keeps the first of equal counts
    examples = shapes[key]
    slots = [index for index, token in enumerate(key) if token in _SLOTS]
    fillers = tuple(Counter(example[i][1] for example in examples).most_common(1)[0][0] for i in slots)
    return AssertionShape(
        parts=tuple(zip((gap for gap, _ in examples[0]), key, strict=True)), fillers=fillers
    )


def _parts(text: str) -> tuple[tuple[str, str], ...]:
    parts, end = [], 0
    for match in _TOKEN.finditer(text):
        parts.append((text[end : match.start()], match.group()))
        end = match.end()
    return tuple(parts)


def _slot(token: str) -> str:
    if token[0] in "\"'`":
        return _STRING
    if token[0].isdigit():
        return _NUMBER
    if token[0] == "$" or token[0] == "_" or token[0].isalpha():
        return token if token in _KEPT or _ASSERTION_WORD.match(token) else _NAME
    return token


def describe_stubs(languages: Sequence[str]) -> str:
    """'python `pass`, java `return null;`' for the languages given (in order, once each)."""
    seen = dict.fromkeys(languages)
    return ", ".join(f"{language or 'unknown'} `{stub_body(language)}`" for language in seen)
