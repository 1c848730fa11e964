"""A cheap guess of the programming language of a code snippet, from tell-tale keywords and symbols.

Drift monitoring needs a language for every input a server answers, where
there is no file name to go by. Each language has a few weighted patterns
(`elif` and `None` say Python, `:=` and `nil` say Go, `console.log` and
`===` say JavaScript); each pattern counts at most three times, the best
total wins, and a total under MIN_SCORE is 'unknown'. Only the first
HEAD_CHARS characters are read, so the guess costs microseconds and the same
code always gets the same answer. It is a guess: short or mixed snippets can
be told wrong, but the same way in the reference and in the log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from codemill.domain.code import Language
from codemill.domain.input_features import UNKNOWN_LANGUAGE

HEAD_CHARS = 4_000
MIN_SCORE = 3
_MAX_COUNT = 3

_SIGNALS: Mapping[Language, tuple[tuple[str, int], ...]] = {
    Language.PYTHON: (
        (r"\bdef\b", 2), (r"\bself\b", 1), (r"\belif\b", 3), (r"\bNone\b", 2), (r"\blambda\b", 2),
        (r"\bpass\b", 2), (r"\b(True|False)\b", 1), (r":[ \t]*$", 1), (r"^\s*from\s+\S+\s+import\b", 3),
    ),
    Language.GO: (
        (r"\bfunc\b", 3), (r"\bpackage\b", 2), (r":=", 3), (r"\bnil\b", 3), (r"\bdefer\b", 3),
        (r"\bchan\b", 3), (r"\bfmt\.\w+", 4), (r"\berr\s*!=\s*nil\b", 4),
    ),
    Language.JAVA: (
        (r"\bpublic\b", 2), (r"\bprivate\b", 2), (r"\bprotected\b", 2), (r"\bstatic\b", 1),
        (r"\bvoid\b", 2), (r"\bclass\b", 1), (r"\bnew\b", 1), (r"\bextends\b", 1), (r"\bfinal\b", 2),
        (r"\bSystem\.out\b", 4), (r"@Override\b", 3), (r"\bString\b", 1),
    ),
    Language.JAVASCRIPT: (
        (r"\bfunction\b", 2), (r"\bconst\b", 2), (r"\blet\b", 2), (r"=>", 2), (r"===|!==", 3),
        (r"\bconsole\.\w+", 3), (r"\bundefined\b", 3), (r"\brequire\(", 2), (r"\bvar\b", 1),
    ),
    Language.TYPESCRIPT: (
        (r":\s*(string|number|boolean|any|unknown|void)\b", 4), (r"\binterface\s+\w+\s*\{", 2),
        (r"\btype\s+\w+\s*=", 2), (r"\bexport\s+(type|interface)\b", 3),
    ),
    Language.CSHARP: (
        (r"\busing\s+System\b", 4), (r"\bnamespace\b", 2), (r"\bConsole\.\w+", 4),
        (r"\{\s*get;\s*set;\s*\}", 4), (r"\bstring\b", 1), (r"\bpublic\b", 1), (r"\boverride\b", 1),
    ),
    Language.RUST: (
        (r"\bfn\b", 3), (r"\blet\s+mut\b", 4), (r"\bimpl\b", 3), (r"&self\b", 3), (r"\bprintln!", 4),
        (r"\bVec<", 3), (r"\b(Some|Ok|Err)\(", 2), (r"::", 1),
    ),
    Language.C: (
        (r"#include\s*<\w+\.h>", 4), (r"\bprintf\(", 2), (r"\bmalloc\(", 3), (r"\bNULL\b", 2),
        (r"\bsizeof\b", 2), (r"\bchar\s*\*", 2), (r"\bstruct\b", 1),
    ),
    Language.CPP: (
        (r"#include\s*<\w+>", 3), (r"\bstd::", 4), (r"\bcout\b", 3), (r"\btemplate\s*<", 3),
        (r"\bnullptr\b", 3), (r"\bauto\b", 1),
    ),
    Language.RUBY: (
        (r"^\s*end\s*$", 3), (r"\bputs\b", 3), (r"\belsif\b", 4), (r"\battr_accessor\b", 4),
        (r"\bdo\s*\|", 3), (r"\bunless\b", 2), (r"\bdef\b", 1),
    ),
    Language.PHP: (
        (r"<\?php", 6), (r"\$\w+", 2), (r"\$this->", 3), (r"\becho\b", 2), (r"\bpublic\s+function\b", 3),
    ),
    Language.KOTLIN: (
        (r"\bfun\b", 4), (r"\bval\b", 3), (r"\bdata\s+class\b", 4), (r"\bcompanion\s+object\b", 4),
        (r"\boverride\s+fun\b", 3), (r":\s*(Int|String|Boolean|Unit)\b", 2), (r"\bwhen\s*\(", 2),
    ),
}  # fmt: skip
_PATTERNS = {
    language: tuple((re.compile(pattern, re.MULTILINE), weight) for pattern, weight in signals)
    for language, signals in _SIGNALS.items()
}


def guess_language(code: str) -> str:
    """The language value ('python', 'go', ...) whose signals score highest, or 'unknown'.

    TypeScript is JavaScript with types: its own signals only count when one
    of them is present, on top of the JavaScript score. Ties go to the
    language listed first above.
    """
    head = code[:HEAD_CHARS]
    scores = {language: _score(head, patterns) for language, patterns in _PATTERNS.items()}
    if scores[Language.TYPESCRIPT]:
        scores[Language.TYPESCRIPT] += scores[Language.JAVASCRIPT]
    best = max(scores, key=lambda language: scores[language])
    return best.value if scores[best] >= MIN_SCORE else UNKNOWN_LANGUAGE


def _score(head: str, patterns: tuple[tuple[re.Pattern[str], int], ...]) -> int:
    total = 0
    for pattern, weight in patterns:
        count = 0
        for _ in pattern.finditer(head):
            count += 1
            if count == _MAX_COUNT:
                break
        total += weight * count
    return total
