"""Content keys of sample texts: exact identity and whitespace-insensitive identity."""

from __future__ import annotations

import hashlib


def normalized_text(text: str) -> str:
    """`text` with every run of whitespace collapsed to one space and the ends stripped."""
    return " ".join(text.split())


def text_key(text: str) -> str:
    """sha256 (hex) of the whitespace-normalized text: equal for texts differing only in layout."""
    return hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()


def content_id(text: str) -> str:
    """sha256 (hex) of the exact text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
