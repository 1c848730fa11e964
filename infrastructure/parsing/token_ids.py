"""Unit ids: a hash of the unit's tokens that ignores layout and comments.

The hash covers two strings computed without a tokenizer: the unit's text
with comments and all whitespace removed, and its sequence of words (runs of
characters that are neither whitespace nor ASCII punctuation: identifiers,
keywords, numbers) joined by single spaces. Together they fix every token and
where whitespace separated two words (`return x` is not `returnx`), and
nothing else: reformatting, re-indenting and editing comments keep the id,
any change to a token changes it.

Units nest, so a file is normalized in one pass: the comment-free text is cut
at every unit boundary with a marker byte, normalized once and split back into
segments; a unit's strings join the segments it covers.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Sequence

from codemill.infrastructure.parsing.comments import CommentIndex

_PUNCTUATION = string.punctuation.replace("_", "").encode("ascii")
_PUNCTUATION_TO_SPACE = bytes.maketrans(_PUNCTUATION, b" " * len(_PUNCTUATION))
_WHITESPACE = b" \t\n\r\x0b\x0c"  # what bytes.split() splits on
_CUT = b"\x01"
_ID_LENGTH = 32


def token_id(text: bytes) -> str:
    """The id of comment-free code."""
    squeezed, words = _normalized(text)
    return _digest(squeezed, words)


def unit_ids(data: bytes, spans: Sequence[tuple[int, int]], comments: CommentIndex) -> list[str]:
    """The id of each unit span (start, end) of the file."""
    if not spans:
        return []
    boundaries = sorted({offset for span in spans for offset in span})
    texts = _segment_texts(data, boundaries, comments)
    if _CUT in data:
        pairs = [_normalized(bytes(text)) for text in texts]
        squeezed = [pair[0] for pair in pairs]
        words = [pair[1] for pair in pairs]
    else:
        marked_squeezed, marked_words = _normalized(_CUT.join(texts))
        squeezed = marked_squeezed.split(_CUT)
        words = [segment.strip() for segment in marked_words.split(_CUT)]
    index = {offset: k for k, offset in enumerate(boundaries)}
    ids = []
    for start, end in spans:
        first, last = index[start], index[end]
        unit_words = b" ".join([segment for segment in words[first:last] if segment])
        ids.append(_digest(b"".join(squeezed[first:last]), unit_words))
    return ids


def _normalized(text: bytes) -> tuple[bytes, bytes]:
    """(text without whitespace, its words joined by single spaces)."""
    return text.translate(None, _WHITESPACE), b" ".join(text.translate(_PUNCTUATION_TO_SPACE).split())


def _digest(squeezed: bytes, words: bytes) -> str:
    return hashlib.sha256(squeezed + b"\x00" + words).hexdigest()[:_ID_LENGTH]


def _segment_texts(data: bytes, boundaries: list[int], comments: CommentIndex) -> list[memoryview]:
    """The text between each two consecutive boundaries, with comments blanked out."""
    origin = boundaries[0]
    text = bytearray(data[origin : boundaries[-1]])
    for start, end in comments.within(origin, boundaries[-1]):
        text[start - origin : end - origin] = b" " * (end - start)
    view = memoryview(text)
    return [view[boundaries[k] - origin : boundaries[k + 1] - origin] for k in range(len(boundaries) - 1)]
