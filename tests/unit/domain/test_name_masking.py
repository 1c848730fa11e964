from __future__ import annotations

from codemill.domain.name_masking import mask_name


def test_definition_and_recursive_calls_are_masked() -> None:
    code = "def factorial(n):\n    return 1 if n < 2 else n * factorial(n - 1)\n"
    assert mask_name(code, "factorial") == "def <MASK>(n):\n    return 1 if n < 2 else n * <MASK>(n - 1)\n"


def test_longer_identifiers_containing_the_name_stay() -> None:
    code = "def name(rename, name_of):\n    return rename + name_of + self.name + name2\n"
    assert (
        mask_name(code, "name", "[M]")
        == "def [M](rename, name_of):\n    return rename + name_of + self.[M] + name2\n"
    )


def test_dollar_names_and_strings() -> None:
    assert mask_name("function get($get) { return $get; }", "get") == "function <MASK>($get) { return $get; }"
    assert mask_name("log('parse failed'); parse();", "parse") == "log('<MASK> failed'); <MASK>();"


def test_names_with_symbols_and_unicode() -> None:
    assert mask_name("def empty?\n  @items.empty?\nend", "empty?") == "def <MASK>\n  @items.<MASK>\nend"
    assert (
        mask_name("def größe(): return größe_x + größe()", "größe")
        == "def <MASK>(): return größe_x + <MASK>()"
    )


def test_empty_name_changes_nothing() -> None:
    assert mask_name("def f(): pass", "") == "def f(): pass"
