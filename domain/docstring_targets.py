"""Summary targets from docstrings, the way CodeSearchNet derives them.

The target is the docstring's first descriptive paragraph: leading blank
lines, doctest blocks, URL-only lines and underline rules are passed over;
the paragraph ends at a blank line or where structured documentation starts
(reST/Sphinx fields such as `:param x:`, Google sections such as `Args:`,
Numpy sections underlined with dashes, JSDoc/Javadoc block tags such as
`@param`, reST directives, Markdown headings and code fences, a Javadoc
`<p>`, a doctest prompt). Inline markup is reduced to its text (reST roles
and literals, Markdown code and links, `{@link X}`, HTML tags and entities)
and whitespace is collapsed to single spaces.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

NO_DOCSTRING = "no_docstring"
TOO_SHORT = "too_short"

_SECTION_NAMES = (
    "args|arguments|params|parameters|other parameters|keyword args|keyword arguments|kwargs"
    "|returns?|yields?|receives|raises?|throws|exceptions|warns|warnings?|see also|seealso"
    "|notes?|references|examples?|usage|attributes|methods|todo|tip|hint|important|caution|danger"
)
_GOOGLE_SECTION = re.compile(rf"(?i)^(?:{_SECTION_NAMES})\s*:")
_NUMPY_SECTION = re.compile(rf"(?i)^(?:{_SECTION_NAMES})$")
_UNDERLINE = re.compile(r"^([-=~^*+#`'\"])\1{2,}$")
_REST_FIELD = re.compile(r"^:[A-Za-z_][\w-]*(?:\s[^:]*)?:(?:\s|$)")
_BLOCK_TAG = re.compile(r"^@[A-Za-z]\w*")
_DIRECTIVE = re.compile(r"^\.\.(?:\s|$)")
_MARKDOWN_BREAK = re.compile(r"^(?:#{1,6}\s|```|~~~)")
_PARAGRAPH_TAG = re.compile(r"(?i)^<p\s*/?>")
_HTML_TAGS = (
    "a|b|i|u|p|br|hr|em|strong|code|tt|pre|kbd|var|samp|ul|ol|li|dl|dt|dd|div|span|h[1-6]|sup|sub"
    "|blockquote|table|tr|td|th"
)
_URL_ONLY = re.compile(r"^<?(?:https?|ftp)://\S+>?$|^`?<?(?:https?|ftp)://\S+>`?_*$")

_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\{@(?:link|linkplain)\s+\S+\s+([^}]+)\}"), r"\1"),  # {@link a.B label}
    (re.compile(r"\{@\w+\s+([^}]*)\}"), r"\1"),  # {@code x}, {@link a.B}
    (re.compile(r"\{@\w+\}"), ""),  # {@inheritDoc}
    (re.compile(r"`([^`<]+?)\s*<[^>`]+>`_{1,2}"), r"\1"),  # reST link `text <url>`_
    (re.compile(r"(?::[\w-]+)+:`~?([^`]+)`"), r"\1"),  # :func:`~a.b`
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # Markdown link
    (re.compile(r"``([^`]+)``|`([^`]+)`"), r"\1\2"),  # literals
    (re.compile(r"\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*"), r"\1\2"),  # emphasis
    (re.compile(rf"(?i)</?(?:{_HTML_TAGS})(?:\s[^<>]*)?/?>"), " "),  # HTML tags, not generics
    (re.compile(r"::$"), ":"),  # reST literal-block marker
)


@dataclass(frozen=True, slots=True)
class SummaryTarget:
    """A summary (`text`), or why there is none (`reason`: NO_DOCSTRING or TOO_SHORT)."""

    text: str | None
    reason: str | None = None


def summarize_docstring(docstring: str | None, *, min_words: int = 3, max_words: int = 64) -> SummaryTarget:
    """The summary of `docstring`, or the reason it has none.

    Guarantees: a missing or blank docstring gives NO_DOCSTRING; a summary of
    fewer than `min_words` words gives TOO_SHORT; otherwise `text` is a single
    line of at most `max_words` space-separated words.
    """
    if docstring is None or not docstring.strip():
        return SummaryTarget(None, NO_DOCSTRING)
    words = clean_inline(" ".join(first_paragraph(docstring))).split()
    if len(words) < min_words:
        return SummaryTarget(None, TOO_SHORT)
    return SummaryTarget(" ".join(words[:max_words]))


def summary_target(docstring: str | None, *, min_words: int = 3, max_words: int = 64) -> str | None:
    """The summary of `docstring` (see `summarize_docstring`), None when it has none."""
    return summarize_docstring(docstring, min_words=min_words, max_words=max_words).text


def first_paragraph(docstring: str) -> list[str]:
    """The stripped lines of the first descriptive paragraph (see the module docstring)."""
    lines = [line.strip() for line in _without_comment_markers(docstring).splitlines()]
    collected: list[str] = []
    in_doctest = False
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if not line:
            if collected:
                break
            in_doctest = False
        elif line.startswith(">>>"):
            if collected:
                break
            in_doctest = True
        elif in_doctest:
            continue
        elif _starts_structure(line, following):
            if collected or not _PARAGRAPH_TAG.match(line):
                break
            collected.append(line)
        elif not _is_noise(line):
            collected.append(line)
    return collected


def clean_inline(text: str) -> str:
    """`text` with inline markup reduced to its words and whitespace collapsed."""
    for pattern, replacement in _INLINE_RULES:
        text = pattern.sub(replacement, text)
    return " ".join(html.unescape(text).split())


def _starts_structure(line: str, following: str) -> bool:
    return bool(
        _GOOGLE_SECTION.match(line)
        or (_NUMPY_SECTION.match(line) and _UNDERLINE.match(following))
        or _REST_FIELD.match(line)
        or _BLOCK_TAG.match(line)
        or _DIRECTIVE.match(line)
        or _MARKDOWN_BREAK.match(line)
        or _PARAGRAPH_TAG.match(line)
    )


def _is_noise(line: str) -> bool:
    return bool(_URL_ONLY.match(line) or _UNDERLINE.match(line))


def _without_comment_markers(text: str) -> str:
    """A raw `/** ... */` block as its text, for docstrings that still carry their markers."""
    stripped = text.strip()
    if not (stripped.startswith("/*") and stripped.endswith("*/")):
        return text
    body = stripped[2:-2].lstrip("*")
    return "\n".join(re.sub(r"^\s*\*(?!\*)", "", line) for line in body.splitlines())
