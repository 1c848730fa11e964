"""Parsing adapter: tree-sitter grammars and queries turn files into code units."""

from codemill.infrastructure.parsing.tree_sitter_code_parser import TreeSitterCodeParser

__all__ = ["TreeSitterCodeParser"]
