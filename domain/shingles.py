"""Language-agnostic code tokens and token n-gram shingles, the input of near-duplicate detection.

The tokenizer is a single regular expression, fast and deliberately approximate:
identifiers (with `$`), numbers, string literals (one token each, quotes and
escapes included), and operators/punctuation; whitespace is dropped. Comments
are dropped in their common forms: `#...` to the end of the line for Python and
Ruby (where `//` is an operator and stays a token), `//...` and `/*...*/` for
every other language (so `#include` stays code in C and C++). Rust's `'a`
lifetimes are not strings there: only one-character literals are. The result
is deterministic, which is all near-duplicate detection needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from codemill.domain.code import Language

HASH_COMMENT_LANGUAGES = frozenset({Language.PYTHON, Language.RUBY})

_STRINGS = (
    r'"""[\s\S]*?"""',
    r"'''[\s\S]*?'''",
    r'"(?:\\.|[^"\\\n])*"',
    r"`(?:\\[\s\S]|[^`\\])*`",
)
_QUOTED = r"'(?:\\.|[^'\\\n])*'"
_CHAR_ONLY = r"'(?:\\[^'\n]{1,10}|[^'\\\n])'"
_WORDS = (
    r"(?:[^\W\d]|\$)[\w$]*",  # identifiers, keywords, $variables
    r"\d\w*(?:\.\d\w*)?",  # 42, 0x2A, 1_000, 3.14f
    r"\.\d\w*",  # .5
)
_OPERATORS = (
    r">>>=|<<=|>>=|\*\*=|//=|===|!==|\.\.\.|->|=>|::|==|!=|<=|>=|&&|\|\||<<|>>"
    r"|\+\+|--|\+=|-=|\*=|/=|%=|&=|\|=|\^=|\*\*|//|\?\?|\?\.|:=|\.\.",
    r"[^\s\w]",
)
_HASH_COMMENTS = r"#[^\n]*"
_SLASH_COMMENTS = r"//[^\n]*|/\*[\s\S]*?(?:\*/|\Z)"


@lru_cache(maxsize=4)
def _pattern(hash_comments: bool, char_only_quotes: bool) -> re.Pattern[str]:
    comments = _HASH_COMMENTS if hash_comments else _SLASH_COMMENTS
    quoted = _CHAR_ONLY if char_only_quotes else _QUOTED
    tokens = "|".join((*_STRINGS, quoted, *_WORDS, *_OPERATORS))
    # One capturing group: comments match with an empty group and are filtered out.
    return re.compile(f"(?:{comments})|({tokens})")


def code_tokens(code: str, language: Language | None = None) -> list[str]:
    """The tokens of `code`, comments and whitespace dropped (see the module docstring)."""
    pattern = _pattern(language in HASH_COMMENT_LANGUAGES, language is Language.RUST)
    return list(filter(None, pattern.findall(code)))


def shingles(tokens: Sequence[str], n: int = 5) -> set[str]:
    """The set of `n`-token shingles, tokens joined by a space.

    Fewer tokens than `n` give one shingle of all of them; no tokens give no shingle.
    """
    if n < 1:
        raise ValueError(f"shingle size must be at least 1, got {n}")
    if not tokens:
        return set()
    if len(tokens) < n:
        return {" ".join(tokens)}
    return set(map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False)))
