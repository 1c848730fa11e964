"""Code units: the functions, methods and classes extracted from source files."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Language(StrEnum):
    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    TSX = "tsx"
    JAVA = "java"
    GO = "go"
    RUST = "rust"
    C = "c"
    CPP = "cpp"
    CSHARP = "csharp"
    RUBY = "ruby"
    PHP = "php"
    KOTLIN = "kotlin"


class UnitKind(StrEnum):
    FUNCTION = "function"
    METHOD = "method"
    CLASS = "class"


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFile:
    """One file's text, where it came from, and its detected language."""

    path: str  # '/'-separated, relative to the source root
    language: Language
    text: str
    source: str = ""  # repository URL, folder or archive the file came from
    commit: str = ""  # resolved commit SHA when the source is a git repository


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeUnit:
    """A function, method or class as found in a source file.

    `code` is the unit's exact source text (for languages whose doc comment
    sits above the definition, the comment is not part of `code`);
    `code_without_docstring` is `code` with an in-body docstring removed
    (Python) and otherwise equal to `code`. Lines are 1-based and inclusive;
    bytes are 0-based offsets into the UTF-8 encoded file, end exclusive.
    """

    id: str
    source: str
    commit: str
    path: str
    language: Language
    kind: UnitKind
    name: str
    qualified_name: str
    signature: str
    docstring: str | None
    code: str
    code_without_docstring: str
    start_line: int
    end_line: int
    start_byte: int
    end_byte: int
    has_error: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseOutcome:
    """What parsing one file gave: its units, or why it failed."""

    units: tuple[CodeUnit, ...]
    parse_ms: float
    error_kind: str | None = None  # e.g. 'timeout', 'syntax_errors'; None when clean
    has_error: bool = False
