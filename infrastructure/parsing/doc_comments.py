"""Doc comments: the comment block directly above a definition, without its markers."""

from __future__ import annotations

import textwrap

from codemill.infrastructure.parsing.comments import CommentIndex
from codemill.infrastructure.parsing.language_specs import DocCommentStyle


def doc_comment(style: DocCommentStyle, anchor: int, comments: CommentIndex, data: bytes) -> str | None:
    """The doc comment of the definition (or its first attribute) starting at byte `anchor`.

    The comment must end on the line just above the anchor (a blank line
    breaks the link) and start its own line.
    """
    index = comments.last_before(anchor)
    if index < 0:
        return None
    start, end = comments.spans[index]
    if not _adjacent(data, end, anchor) or not _starts_line(data, start):
        return None
    text = data[start:end]
    if style.block_opener and text.startswith(style.block_opener.encode()) and _is_block(text):
        return _clean_block(text.decode("utf-8", "replace"))
    if not _is_doc_line(style, text):
        return None
    first = _first_of_group(style, index, comments, data)
    lines = [data[s:e].decode("utf-8", "replace") for s, e in comments.spans[first : index + 1]]
    return _clean_lines(lines, style)


def _first_of_group(style: DocCommentStyle, last: int, comments: CommentIndex, data: bytes) -> int:
    """Index of the first doc line in the run of adjacent doc lines ending at `last`."""
    first = last
    while first > 0:
        previous_start, previous_end = comments.spans[first - 1]
        if not _adjacent(data, previous_end, comments.spans[first][0]):
            break
        if not _starts_line(data, previous_start) or not _is_doc_line(
            style, data[previous_start:previous_end]
        ):
            break
        first -= 1
    return first


def _adjacent(data: bytes, end: int, anchor: int) -> bool:
    gap = data[end:anchor]
    if gap.strip():
        return False
    allowed = 0 if data[end - 1 : end] == b"\n" else 1
    return gap.count(b"\n") <= allowed


def _starts_line(data: bytes, start: int) -> bool:
    line_start = data.rfind(b"\n", 0, start) + 1
    return not data[line_start:start].strip()


def _is_block(text: bytes) -> bool:
    return text.endswith(b"*/") and len(text) > 4


def _is_doc_line(style: DocCommentStyle, text: bytes) -> bool:
    marker = _marker(style, text)
    return marker is not None and not any(text.startswith(m.encode()) for m in style.excluded_markers)


def _marker(style: DocCommentStyle, text: bytes) -> str | None:
    return next((m for m in style.line_markers if text.startswith(m.encode())), None)


def _clean_lines(lines: list[str], style: DocCommentStyle) -> str | None:
    cleaned = []
    for line in lines:
        body = line.rstrip("\r\n")
        marker = next((m for m in style.line_markers if body.startswith(m)), "")
        body = body[len(marker) :].lstrip(marker[-1:] or " ")
        cleaned.append(body[1:] if body.startswith(" ") else body)
    return _trimmed(cleaned)


def _clean_block(text: str) -> str | None:
    body = text[2:-2].lstrip("*")
    cleaned = []
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("*"):
            stripped = stripped[1:]
            cleaned.append(stripped[1:] if stripped.startswith(" ") else stripped)
        else:
            cleaned.append(line)
    return _trimmed(cleaned)


def _trimmed(lines: list[str]) -> str | None:
    text = textwrap.dedent("\n".join(line.rstrip() for line in lines)).strip("\n")
    return text or None
