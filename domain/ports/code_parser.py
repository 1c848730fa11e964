"""Port: turn a source file into code units."""

from __future__ import annotations

from typing import Protocol

from codemill.domain.code import Language, ParseOutcome, SourceFile


class CodeParser(Protocol):
    """Extracts functions, methods and classes from one file.

    Contract: never raises on bad code; a file the grammar cannot fully parse
    still yields the units it can, with `has_error` set on those overlapping
    an error node; a parse that exceeds the timeout returns no units and
    `error_kind='timeout'`. Results are deterministic for the same input.
    """

    def supports(self, language: Language) -> bool: ...

    def extract(self, file: SourceFile) -> ParseOutcome: ...
