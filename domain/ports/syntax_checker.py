"""Port: whether generated code parses."""

from __future__ import annotations

from typing import Literal, Protocol

Snippet = Literal["assertion", "body", "unit"]  # what a piece of code is, to wrap it for the parser


class SyntaxChecker(Protocol):
    """Parses code snippets with the grammar of their language.

    Contract: `is_valid` is True when the snippet, wrapped in the minimal
    context its kind needs (a statement inside a function of a class for
    Java, a body under a `def` for Python, ...), parses without any error
    node; False for an empty snippet; a language without a grammar gives
    False and `supports` says so. It never raises for any input text.
    """

    def supports(self, language: str) -> bool: ...

    def is_valid(self, code: str, language: str, snippet: Snippet) -> bool: ...
