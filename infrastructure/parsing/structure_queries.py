"""Tree-sitter queries and wrappers for cutting a unit's code apart (assertions, bodies).

A unit's code is a definition out of its file: a Java method or a
JavaScript method alone is not a valid program. `WRAPPERS` lists, per
language, the texts put around the code to try after the code as it is
(ASCII only, so a byte offset shifts by the prefix's length in characters
too). The assertion queries capture `@assertion` (a whole statement),
`@context` with its `@colon` (a `with` header) and `@call` (a Java call
whose chain decides, in Python, whether it asserts).
"""

from __future__ import annotations

from collections.abc import Mapping

from codemill.domain.code import Language

_CLASS = ("class _ {\n", "\n}")

WRAPPERS: Mapping[Language, tuple[tuple[str, str], ...]] = {
    Language.PYTHON: (("", ""),),
    Language.JAVA: (("", ""), _CLASS),
    Language.JAVASCRIPT: (("", ""), _CLASS),
    Language.TYPESCRIPT: (("", ""), _CLASS),
    Language.TSX: (("", ""), _CLASS),
    Language.CSHARP: (("", ""), _CLASS),
    Language.KOTLIN: (("", ""), _CLASS),
    Language.CPP: (("", ""), ("class _ {\n", "\n};")),
    Language.PHP: (("<?php\n", ""), ("<?php\nclass _ {\n", "\n}")),
}
NO_WRAPPER: tuple[tuple[str, str], ...] = (("", ""),)


def _with_header(obj: str, method: str) -> str:
    call = "(call function: (attribute object: (identifier) @_o attribute: (identifier) @_m))"
    return f"""
((with_statement
   (with_clause (with_item value: [{call} (as_pattern {call})]))
   ":" @colon) @context
  (#eq? @_o "{obj}") (#match? @_m "{method}"))
"""


PYTHON_ASSERTIONS = (
    """
(assert_statement) @assertion
((expression_statement
   . (call function: (attribute object: (identifier) @_o attribute: (identifier) @_m)) .) @assertion
  (#eq? @_o "self") (#match? @_m "^(assert|fail)"))
"""
    + _with_header("self", "^assert")
    + _with_header("pytest", "^(raises|warns|deprecated_call)$")
)

JAVA_ASSERTIONS = """
(assert_statement) @assertion
(expression_statement . (method_invocation) @call .) @statement
"""

ASSERTION_QUERIES: Mapping[Language, str] = {
    Language.PYTHON: PYTHON_ASSERTIONS,
    Language.JAVA: JAVA_ASSERTIONS,
}

# Java: a call asserts when the first call of its chain is `assert*` or `fail`, called bare (a static
# import) or on one of these classes (JUnit 4 Assert, JUnit 5 and AssertJ Assertions, Hamcrest).
JAVA_ASSERTION_CLASSES = frozenset({"Assert", "Assertions", "MatcherAssert"})
JAVA_ASSERTION_PREFIX = "assert"
JAVA_FAIL = "fail"
