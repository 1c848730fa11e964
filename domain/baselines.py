"""Trivial baselines a trained model must beat."""

from __future__ import annotations

import re

_DEFINITION = re.compile(
    r"\b(?:(?:def|class|function|fn|fun|sub|method)\s+|func\s*(?:\([^)]*\)\s*)?)\*?\s*([A-Za-z_$][\w$]*)"
)
_CALL_LIKE = re.compile(r"([A-Za-z_$][\w$]*)\s*\(")
_KEYWORDS = frozenset({"if", "for", "while", "switch", "catch", "return", "func", "function", "sizeof"})
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")


def split_identifier(name: str) -> list[str]:
    """Snake, camel and Pascal case words, lowercased: `parse_HTTPResponse2` -> parse http response 2."""
    return [word.lower() for part in name.split("_") for word in _WORD.findall(part)]


def defined_name(code: str) -> str:
    """The name a unit of code defines: the first `def`/`class`/`function`... name, else the first
    call-like name."""
    found = _DEFINITION.search(code)
    if found:
        return found.group(1)
    calls = (match.group(1) for match in _CALL_LIKE.finditer(code))
    return next((name for name in calls if name not in _KEYWORDS), "")


def name_as_summary(code: str) -> str:
    """The trivial summarization baseline: the defined name split into words.

    `def get_user_name(...)` -> 'get user name'.
    """
    return " ".join(split_identifier(defined_name(code)))
