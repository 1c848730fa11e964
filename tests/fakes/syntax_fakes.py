"""A SyntaxChecker for unit tests: Python through the standard library's `ast`, no other language."""

from __future__ import annotations

import ast
import textwrap
from typing import final

from codemill.domain.ports.syntax_checker import Snippet, SyntaxChecker


@final
class PythonAstSyntaxChecker(SyntaxChecker):
    """Supports 'python' only; a body is checked dedented under a `def`."""

    def __init__(self) -> None:
        self.checked: list[tuple[str, str, Snippet]] = []

    def supports(self, language: str) -> bool:
        return language == "python"

    def is_valid(self, code: str, language: str, snippet: Snippet) -> bool:
        self.checked.append((code, language, snippet))
        if not self.supports(language) or not code.strip():
            return False
        text = textwrap.dedent(code)
        if snippet == "body":
            text = "def _f():\n" + textwrap.indent(text, "    ")
        try:
            ast.parse(text)
        except (SyntaxError, ValueError):
            return False
        return True
