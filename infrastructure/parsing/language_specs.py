"""What differs between languages, as data: grammar, query, doc-comment rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from codemill.domain.code import Language
from codemill.infrastructure.parsing import queries


@dataclass(frozen=True, slots=True)
class DocCommentStyle:
    """Which comments directly above a definition document it.

    A comment opening with `block_opener` documents alone; comments opening with
    one of `line_markers` (and none of `excluded_markers`) form a group of
    consecutive lines.
    """

    line_markers: tuple[str, ...] = ()
    excluded_markers: tuple[str, ...] = ()
    block_opener: str | None = None


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    """How to find and describe definitions in one language.

    `doc_style` None means docstrings live inside the body (Python).
    `wrapper_types` are parents that carry the definition's doc comment
    (`export_statement`, `template_declaration`); `attribute_types` are
    preceding siblings allowed between a doc comment and its definition;
    `code_wrapper_types` are parents whose text belongs to the unit's code
    (Python decorators); `default_names` name definitions that have none.
    """

    language: Language
    grammar_module: str
    grammar_function: str
    query: str
    doc_style: DocCommentStyle | None
    wrapper_types: frozenset[str] = frozenset()
    attribute_types: frozenset[str] = frozenset()
    code_wrapper_types: frozenset[str] = frozenset()
    default_names: Mapping[str, str] = field(default_factory=dict)


_JSDOC = DocCommentStyle(block_opener="/**")
_TRIPLE_SLASH = DocCommentStyle(line_markers=("///",), excluded_markers=("////",), block_opener="/**")
_SLASHES = DocCommentStyle(line_markers=("//",), block_opener="/*")
_HASHES = DocCommentStyle(line_markers=("#",))
_ECMASCRIPT_WRAPPERS = frozenset({"export_statement", "expression_statement"})
_DECORATORS = frozenset({"decorator"})


SPECS: Mapping[Language, LanguageSpec] = {
    spec.language: spec
    for spec in (
        LanguageSpec(
            Language.PYTHON,
            "tree_sitter_python",
            "language",
            queries.PYTHON,
            doc_style=None,
            code_wrapper_types=frozenset({"decorated_definition"}),
        ),
        LanguageSpec(
            Language.JAVASCRIPT,
            "tree_sitter_javascript",
            "language",
            queries.JAVASCRIPT,
            doc_style=_JSDOC,
            wrapper_types=_ECMASCRIPT_WRAPPERS,
            attribute_types=_DECORATORS,
        ),
        LanguageSpec(
            Language.TYPESCRIPT,
            "tree_sitter_typescript",
            "language_typescript",
            queries.TYPESCRIPT,
            doc_style=_JSDOC,
            wrapper_types=_ECMASCRIPT_WRAPPERS,
            attribute_types=_DECORATORS,
        ),
        LanguageSpec(
            Language.TSX,
            "tree_sitter_typescript",
            "language_tsx",
            queries.TYPESCRIPT,
            doc_style=_JSDOC,
            wrapper_types=_ECMASCRIPT_WRAPPERS,
            attribute_types=_DECORATORS,
        ),
        LanguageSpec(Language.JAVA, "tree_sitter_java", "language", queries.JAVA, doc_style=_JSDOC),
        LanguageSpec(Language.GO, "tree_sitter_go", "language", queries.GO, doc_style=_SLASHES),
        LanguageSpec(
            Language.RUST,
            "tree_sitter_rust",
            "language",
            queries.RUST,
            doc_style=_TRIPLE_SLASH,
            attribute_types=frozenset({"attribute_item"}),
        ),
        LanguageSpec(Language.C, "tree_sitter_c", "language", queries.C, doc_style=_SLASHES),
        LanguageSpec(
            Language.CPP,
            "tree_sitter_cpp",
            "language",
            queries.CPP,
            doc_style=_SLASHES,
            wrapper_types=frozenset({"template_declaration"}),
        ),
        LanguageSpec(
            Language.CSHARP, "tree_sitter_c_sharp", "language", queries.CSHARP, doc_style=_TRIPLE_SLASH
        ),
        LanguageSpec(Language.RUBY, "tree_sitter_ruby", "language", queries.RUBY, doc_style=_HASHES),
        LanguageSpec(Language.PHP, "tree_sitter_php", "language_php", queries.PHP, doc_style=_JSDOC),
        LanguageSpec(
            Language.KOTLIN,
            "tree_sitter_kotlin",
            "language",
            queries.KOTLIN,
            doc_style=_JSDOC,
            default_names={"companion_object": "Companion"},
        ),
    )
}
