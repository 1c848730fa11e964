"""Cyclomatic complexity of a Python snippet with radon, or None when it does not parse."""

from __future__ import annotations

import textwrap

from radon.visitors import ComplexityVisitor


def python_complexity(code: str) -> float | None:
    """The highest complexity of the snippet's functions and methods; its statements' when it has none.

    The snippet is dedented first (a method on its own parses); code that
    does not parse, or that radon cannot walk, gives None.
    """
    try:
        visitor = ComplexityVisitor.from_code(textwrap.dedent(code))
    except Exception:  # SyntaxError, ValueError (null bytes), RecursionError on very deep nesting
        return None
    blocks = [*visitor.functions, *(method for cls in visitor.classes for method in cls.methods)]
    return float(max(block.complexity for block in blocks) if blocks else visitor.complexity)
