"""TreeSitterSyntaxChecker on the real grammars: assertions, bodies and units, valid and broken."""

from __future__ import annotations

import pytest

from codemill.domain.code_baselines import STUB_BODIES
from codemill.domain.ports.syntax_checker import Snippet
from codemill.infrastructure.parsing.tree_sitter_syntax_checker import TreeSitterSyntaxChecker

CHECKER = TreeSitterSyntaxChecker()

VALID: list[tuple[str, Snippet, str]] = [
    ("python", "assertion", "self.assertEqual(result, 0)"),
    ("python", "assertion", "assert add(1, 2) == 3"),
    ("python", "assertion", "    assert x  # indented as it stood in the test"),
    ("python", "assertion", "with pytest.raises(ValueError):"),
    ("python", "assertion", "self.assertEqual(\n    total,\n    3,\n)"),
    ("python", "body", "x = 1\nreturn x"),
    ("python", "body", "x = 1\n        return x"),  # cut from a method: the first line lost its indentation
    ("python", "body", "if x:\n            return 1"),
    ("python", "body", "if x:\n    return 1\nreturn 2"),
    (
        "python",
        "body",
        "        total = 0\n        for i in items:\n            total += i\n        return total",
    ),
    ("python", "unit", "def f(self):\n        return 1"),
    ("java", "assertion", "assertEquals(3, calc.add(1, 2));"),
    ("java", "assertion", "Assert.assertTrue(list.isEmpty());"),
    ("java", "body", "int s = a + b;\nreturn s;"),
    ("java", "unit", "public int size() { return count; }"),
    ("javascript", "assertion", "expect(add(1, 2)).toBe(3);"),
    ("javascript", "assertion", "assert.strictEqual(add(1, 2), 3);"),
    ("javascript", "body", "const x = await load();\nreturn x * 2;"),
    ("javascript", "unit", "get(key) { return this.map[key]; }"),
    ("go", "assertion", "assert.Equal(t, 3, Add(1, 2))"),
    ("go", "assertion", 'if got != 3 {\n\tt.Errorf("got %d", got)\n}'),
    ("go", "body", "sum := a + b\nreturn sum"),
    ("go", "unit", "func (s *Stack) Len() int { return len(s.items) }"),
    ("typescript", "body", "return value as number;"),
    ("csharp", "assertion", "Assert.AreEqual(3, Add(1, 2));"),
    ("kotlin", "assertion", "assertEquals(3, add(1, 2))"),
    ("rust", "assertion", "assert_eq!(add(1, 2), 3);"),
    ("ruby", "assertion", "assert_equal 3, add(1, 2)"),
    ("php", "assertion", "$this->assertEquals(3, $calc->add(1, 2));"),
    ("c", "body", "int s = a + b;\nreturn s;"),
    ("cpp", "body", "std::vector<int> v{1, 2};\nreturn v.size();"),
]

INVALID: list[tuple[str, Snippet, str]] = [
    ("python", "assertion", "self.assertEqual(result, 0"),
    ("python", "assertion", "assert x =="),
    ("python", "body", "return (1"),
    ("python", "body", "x = = 1"),
    ("java", "assertion", "assertEquals(3, calc.add(1, 2))"),  # no ';'
    ("java", "assertion", "assertEquals(3, calc.add(1, 2);"),
    ("java", "body", "int x = 1"),
    ("java", "body", "return 1; } int g() { return 2;"),  # closes the method: not one body
    ("javascript", "assertion", "expect(add(1, 2).toBe(3);"),
    ("javascript", "body", "return }"),
    ("go", "assertion", 'if got != 3 { t.Errorf("got %d", got)'),
    ("go", "body", "return a +"),
    ("ruby", "body", "nil\nend\ndef g"),  # closes the method
]


@pytest.mark.parametrize(("language", "snippet", "code"), VALID)
def test_valid_snippets_parse(language: str, snippet: Snippet, code: str) -> None:
    assert CHECKER.is_valid(code, language, snippet)


@pytest.mark.parametrize(("language", "snippet", "code"), INVALID)
def test_broken_snippets_do_not(language: str, snippet: Snippet, code: str) -> None:
    assert not CHECKER.is_valid(code, language, snippet)


def test_non_ascii_code_parses_and_keeps_its_byte_offsets() -> None:
    assert CHECKER.is_valid("self.assertEqual(naïve, 'žluťoučký kůň')", "python", "assertion")
    assert CHECKER.is_valid('assertEquals("日本語", s);', "java", "assertion")
    assert CHECKER.is_valid('String s = "日本語";\nreturn s;', "java", "body")
    assert not CHECKER.is_valid('return "日本語"; } void g() {', "java", "body")
    assert CHECKER.is_valid('expect(f("ü")).toBe("🙂");', "javascript", "assertion")


@pytest.mark.parametrize("snippet", ["assertion", "body", "unit"])
def test_empty_code_unknown_languages_and_odd_text_are_false_never_errors(snippet: Snippet) -> None:
    for code in ("", "   \n\t"):
        assert not CHECKER.is_valid(code, "python", snippet)
    assert not CHECKER.is_valid("x = 1", "cobol", snippet)
    assert not CHECKER.is_valid("\x00\ud800\uffff", "java", snippet)
    assert not CHECKER.is_valid("}" * 10_000, "go", snippet)


def test_supported_languages() -> None:
    assert CHECKER.supports("python") and CHECKER.supports("Java") and CHECKER.supports("csharp")
    assert not CHECKER.supports("cobol") and not CHECKER.supports("")


@pytest.mark.parametrize(("language", "body"), sorted(STUB_BODIES.items()))
def test_every_stub_body_of_the_baseline_parses(language: str, body: str) -> None:
    assert CHECKER.is_valid(body, language, "body")
