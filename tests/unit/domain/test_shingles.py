from __future__ import annotations

import pytest

from codemill.domain.code import Language
from codemill.domain.shingles import code_tokens, shingles


def test_python_tokens_drop_hash_comments_and_keep_floor_division() -> None:
    code = 'def f(a, b):  # ratio\n    return a // b + "x # y" + 1.5e3'
    assert code_tokens(code, Language.PYTHON) == [
        "def", "f", "(", "a", ",", "b", ")", ":",
        "return", "a", "//", "b", "+", '"x # y"', "+", "1.5e3",
    ]  # fmt: skip


def test_c_like_tokens_drop_slash_comments_and_keep_preprocessor_lines() -> None:
    code = "#include <x.h>\nint f(int *a) { /* multi\nline */ return a[0] >> 2; // tail\n}"
    tokens = code_tokens(code, Language.C)
    assert tokens[:2] == ["#", "include"]
    assert "multi" not in tokens and "tail" not in tokens
    assert tokens[-9:] == ["return", "a", "[", "0", "]", ">>", "2", ";", "}"]


def test_string_literals_are_single_tokens() -> None:
    code = "s = '''a\nb''' + \"q\\\"x\" + `t ${v}`"
    tokens = code_tokens(code, Language.PYTHON)
    assert "'''a\nb'''" in tokens
    assert '"q\\"x"' in tokens
    assert "`t ${v}`" in tokens


def test_rust_lifetimes_are_not_strings_but_char_literals_are() -> None:
    tokens = code_tokens("fn f<'a>(x: &'a str) -> char { 'x' }", Language.RUST)
    assert tokens.count("a") == 2
    assert "'x'" in tokens


def test_unterminated_block_comment_runs_to_the_end() -> None:
    assert code_tokens("int x; /* never closed\nint y;", Language.JAVA) == ["int", "x", ";"]


def test_language_is_optional_and_defaults_to_slash_comments() -> None:
    assert code_tokens("let $x = 1; // c") == ["let", "$x", "=", "1", ";"]


def test_whitespace_and_comments_do_not_change_tokens() -> None:
    a = "def f(x):\n    return x+1\n"
    b = "def f( x ):   # comment\n\n    return x + 1  # another\n"
    assert code_tokens(a, Language.PYTHON) == code_tokens(b, Language.PYTHON)


def test_shingles_are_space_joined_n_grams() -> None:
    assert shingles(list("abcdef"), 5) == {"a b c d e", "b c d e f"}
    assert shingles(list("abab"), 2) == {"a b", "b a"}


def test_fewer_tokens_than_n_give_one_shingle_and_none_give_none() -> None:
    assert shingles(["a", "b"], 5) == {"a b"}
    assert shingles([], 5) == set()


def test_shingle_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        shingles(["a"], 0)
