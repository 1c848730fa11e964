"""Grammar loading: one tree-sitter Language and Query per language, reused.

Languages and compiled queries are immutable and shared process-wide.
Parsers and query cursors hold state, so each thread gets its own, created
once per language and reused for every file after that.
"""

from __future__ import annotations

import importlib
import threading
from functools import cache

import tree_sitter

from codemill.domain.code import Language
from codemill.infrastructure.parsing.language_specs import SPECS


@cache
def grammar(language: Language) -> tree_sitter.Language:
    """The compiled grammar of `language` (KeyError if it has no spec)."""
    spec = SPECS[language]
    module = importlib.import_module(spec.grammar_module)
    return tree_sitter.Language(getattr(module, spec.grammar_function)())


@cache
def definitions_query(language: Language) -> tree_sitter.Query:
    """The compiled definitions query of `language`."""
    return tree_sitter.Query(grammar(language), SPECS[language].query)


END_OF_INPUT = 0xFFFFFFFF  # a byte range's end that no input reaches


class _ThreadTools(threading.local):
    def __init__(self) -> None:
        self.parsers: dict[Language, tree_sitter.Parser] = {}
        self.cursors: dict[Language, tree_sitter.QueryCursor] = {}


_tools = _ThreadTools()


def parser_for(language: Language) -> tree_sitter.Parser:
    """This thread's parser for `language`."""
    parser = _tools.parsers.get(language)
    if parser is None:
        parser = _tools.parsers[language] = tree_sitter.Parser(grammar(language))
    return parser


def cursor_for(language: Language) -> tree_sitter.QueryCursor:
    """This thread's cursor over the definitions query of `language`, over the whole input.

    A user may narrow its byte range (the parser queries a large file in chunks): the range is reset
    here, so the next user never inherits it.
    """
    cursor = _tools.cursors.get(language)
    if cursor is None:
        cursor = _tools.cursors[language] = tree_sitter.QueryCursor(definitions_query(language))
    cursor.set_byte_range(0, END_OF_INPUT)
    return cursor
