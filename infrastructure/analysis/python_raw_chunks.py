"""How radon.raw.analyze splits stripped lines into chunks, and what it counts in each.

radon reads a source chunk by chunk: a chunk is the fewest stripped lines,
from where the previous chunk ended, that tokenize without an error. Most
chunks are plain code (names, numbers, operators, brackets and one-line
strings, perhaps with a trailing comment) or a lone docstring, and for
those the tokens radon would see follow from the characters alone, so
their counts are worked out without tokenizing. Every other chunk goes
through tokenize and radon's own helpers, tokenized once where radon
tokenizes ever longer runs of lines.
"""

from __future__ import annotations

import re
import tokenize

from radon.raw import _generate, _get_all_tokens, _logical, is_single_token

# Counts of one chunk, or running totals: lloc, sloc, comments, multi, blank, single_comments.
Tally = tuple[int, int, int, int, int, int]
ZERO: Tally = (0, 0, 0, 0, 0, 0)

_PLAIN_CODE = re.compile(r"(?:[\w \t.,:=+\-*/%<>&|^~@()\[\]{}]|!=)*")
# String literals as tokenize reads them, leaving out f-strings (whose tokens differ across
# Python versions): a prefix where a token can start, then triple quotes tried first.
_PREFIX = r"(?<!\w)(?:[rR][bB]?|[bB][rR]?|[uU])?"
_TRIPLE_REST = {
    "'''": r"[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''",
    '"""': r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""',
}
_STRING = re.compile(
    _PREFIX
    + "(?:"
    + "|".join(quotes + rest for quotes, rest in _TRIPLE_REST.items())
    + r"|'(?!'')[^\n'\\]*(?:\\.[^\n'\\]*)*'"
    + r'|"(?!"")[^\n"\\]*(?:\\.[^\n"\\]*)*")'
)
_TRIPLE_OPENING = re.compile(_PREFIX + "('''|\"\"\")")
_TRIPLE_CLOSING = {quotes: re.compile(rest) for quotes, rest in _TRIPLE_REST.items()}
_COLON_OPERATOR = re.compile(r":(?!=)")  # ':' is its own token unless it opens ':='
_BLANK: Tally = (0, 0, 0, 0, 1, 0)
_COMMENT_ONLY: Tally = (0, 0, 1, 0, 0, 1)
_LONE_STRING: Tally = (1, 0, 0, 0, 0, 1)
_BRACKET_DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
_LINE_ENDS = (tokenize.NL, tokenize.NEWLINE)


def chunks(lines: list[str]) -> list[tuple[int, int, Tally]]:
    """(first line, line after the last, counts) of each chunk of the stripped `lines`."""
    found = []
    start = 0
    while start < len(lines):
        stop, tally = (
            _plain_chunk(lines, start) or _string_chunk(lines, start) or _tokenized_chunk(lines, start)
        )
        found.append((start, stop, tally))
        start = stop
    return found


def _plain_chunk(lines: list[str], start: int) -> tuple[int, Tally] | None:
    """The chunk at `start` when it is plain code, blank, a lone comment or a lone string; else None.

    Strings closed on their line are masked first, found as tokenize finds
    them. With no backslash, semicolon or unusual character left, a chunk
    ends at the first line where the brackets balance; a colon token then
    makes two logical lines unless it is the last token, and a comment-only
    line inside brackets is code.
    """
    first = lines[start]
    if not first:
        return start + 1, _BLANK
    if first[0] == "#":
        return start + 1, _COMMENT_ONLY
    depth = sloc = blank = comments = 0
    last_code, colon = "", False
    for index in range(start, len(lines)):
        line = lines[index]
        if "'" in line or '"' in line:
            line, strings = _STRING.subn("_", line)
            if line == "_" and strings == 1 and index == start:
                return start + 1, _LONE_STRING
        code_end = _PLAIN_CODE.match(line).end()  # type: ignore[union-attr]  # matches empty text too
        if code_end < len(line):
            if line[code_end] != "#":
                return None
            comments += 1
        code = line[:code_end].rstrip()
        if code:
            depth += _bracket_balance(code)
            colon = colon or (":" in code and _COLON_OPERATOR.search(code) is not None)
            last_code = code
        sloc, blank = (sloc + 1, blank) if line else (sloc, blank + 1)
        if depth == 0:
            lloc = 2 - last_code.endswith(":") if colon else 1
            return index + 1, (lloc, sloc, comments, 0, blank, 0)
    return None


def _bracket_balance(code: str) -> int:
    """Opening minus closing brackets (most lines have none, so look before counting)."""
    if "(" in code or ")" in code or "[" in code or "]" in code or "{" in code or "}" in code:
        return (
            code.count("(")
            + code.count("[")
            + code.count("{")
            - code.count(")")
            - code.count("]")
            - code.count("}")
        )
    return 0


def _string_chunk(lines: list[str], start: int) -> tuple[int, Tally] | None:
    """The chunk at `start` when it is a lone string over several lines (a docstring); else None.

    Like tokenize, each later line is searched from its start for the closing quotes.
    """
    opening = _TRIPLE_OPENING.match(lines[start])
    if opening is None:
        return None
    closing = _TRIPLE_CLOSING[opening.group(1)]
    if closing.match(lines[start], opening.end()):
        return None
    for index in range(start + 1, len(lines)):
        closed = closing.match(lines[index])
        if closed:
            if closed.end() != len(lines[index]):
                return None
            filled = sum(1 for line in lines[start : index + 1] if line)
            return index + 1, (1, 0, 0, filled, index + 1 - start - filled, 0)
    return None


def _tokenized_chunk(lines: list[str], start: int) -> tuple[int, Tally]:
    """The chunk at `start` as radon.raw.analyze tokenizes and counts it."""
    tokens, size = _chunk_tokens(lines, start)
    comments = sum(1 for token in tokens if token[0] == tokenize.COMMENT)
    filled = sum(1 for line in lines[start : start + size] if line)
    sloc = multi = single = 0
    if is_single_token(tokenize.COMMENT, tokens):
        single = 1
    elif is_single_token(tokenize.STRING, tokens):
        if tokens[0][2][0] == tokens[0][3][0]:
            single = 1
        else:
            multi = filled
    else:
        sloc = filled
    blank = size - filled if not single else 0
    return start + size, (_logical(tokens), sloc, comments, multi, blank, single)


def _chunk_tokens(lines: list[str], start: int) -> tuple[list[tokenize.TokenInfo], int]:
    """radon's tokens for the chunk at `start` and its number of lines.

    radon tokenizes ever longer runs of lines until one goes through; here
    the run's end is found by one streaming tokenize, and the run is then
    tokenized once as radon would. Before that end, every run stops inside
    brackets, a string or a backslash continuation, so radon's tokenizing
    fails on it. Anything unexpected goes back to radon's own loop.
    """
    tokens = _clean_tokens(lines[start])
    if tokens is not None:
        return tokens, 1
    stop = _statement_end(lines, start)
    if stop is not None:
        tokens = _clean_tokens("\n".join(lines[start:stop]))
        if tokens is not None:
            return tokens, stop - start
    following = (lines[index] for index in range(start + 1, len(lines)))
    try:
        tokens, parsed = _get_all_tokens(lines[start], following)
    except StopIteration:
        raise SyntaxError(f"SyntaxError at line: {start + 1}") from None
    return tokens, len(parsed)


def _clean_tokens(buffer: str) -> list[tokenize.TokenInfo] | None:
    """The tokens of `buffer`, or None where radon would read one more line."""
    try:
        tokens = _generate(buffer)
    except Exception:  # TokenError (radon reads on), or anything radon's own loop should meet itself
        return None
    return None if any(token[0] == tokenize.ERRORTOKEN for token in tokens) else tokens


def _statement_end(lines: list[str], start: int) -> int | None:
    """Index after the first line from `start` that ends outside brackets, strings and continuations."""
    readline = (lines[index] + "\n" for index in range(start, len(lines))).__next__
    depth = 0
    try:
        for kind, text, (row, _), _, _ in tokenize.generate_tokens(readline):
            if kind == tokenize.OP:
                depth += _BRACKET_DEPTH.get(text, 0)
            elif kind in _LINE_ENDS and depth == 0:
                return start + row
            elif kind == tokenize.ERRORTOKEN:
                return None
    except Exception:  # TokenError at the end of the lines, IndentationError: radon's loop decides
        return None
    return None
