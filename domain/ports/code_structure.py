"""Port: where the parts of a code unit are, for tasks that cut code apart."""

from __future__ import annotations

from typing import Protocol

Span = tuple[int, int]  # character offsets into the code, end exclusive


class CodeStructure(Protocol):
    """Finds assertions and bodies in the code of one unit (a function or method).

    Contract: spans are character offsets into `code` (a Python `str`), end
    exclusive, sorted by start, never overlapping; a language the adapter
    does not support, or code that does not parse well enough, gives no
    spans (never an exception).
    """

    def assertions(self, code: str, language: str) -> list[Span]:
        """Each assertion statement of a test: Python `assert ...`, `self.assert*(...)`, the
        `with pytest.raises(...)` line; Java `assert*(...)` / `Assert.assert*(...)` calls with their `;`."""
        ...

    def body(self, code: str, language: str) -> Span | None:
        """The function's body without its signature (and, in Python, without its docstring): the
        statements inside the braces, or below the `def` line; None when it cannot be found."""
        ...
