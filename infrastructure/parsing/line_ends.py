"""The bytes tree-sitter parses: a lone carriage return becomes a line feed.

Python, JavaScript, Java and C# end a line at a CR that no LF follows (classic
Mac line endings), but tree-sitter counts rows by LF only and its grammars end
comments at LF: a `#` comment in such a file swallows every following line.
Replacing each lone CR by an LF keeps every byte offset, so spans still cut
the original text, and gives the rows and the tree the language defines.
"""

from __future__ import annotations

import re

_LONE_CR = re.compile(rb"\r(?!\n)")


def with_lf_line_ends(data: bytes) -> bytes:
    """`data` with each CR that no LF follows replaced by an LF (same length)."""
    if data.count(b"\r") == data.count(b"\r\n"):
        return data
    return _LONE_CR.sub(b"\n", data)
