"""TreeSitterCodeStructure with the real grammars: assertions in Python and Java tests, bodies everywhere."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from codemill.domain.code import Language, SourceFile, UnitKind
from codemill.infrastructure.parsing import TreeSitterCodeParser
from codemill.infrastructure.parsing.tree_sitter_code_structure import TreeSitterCodeStructure

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def structure() -> TreeSitterCodeStructure:
    return TreeSitterCodeStructure()


def texts(code: str, spans: list[tuple[int, int]]) -> list[str]:
    return [code[start:end] for start, end in spans]


# A method as the collect step stores it: the `def` line at column 0, the rest at its file indentation.
UNITTEST_METHOD = '''@mock.patch("pkg.clock")
    def test_résumé_parsing(self, clock):
        """Parses a résumé: 履歴書 ✓."""
        clock.now.return_value = 0
        parsed = parse("Zoë — 履歴書 🎉")
        self.assertEqual(parsed.name, "Zoë")
        self.assertEqual(
            normalize(strip(parsed.title)),
            "履歴書",
            msg="non-ASCII before ✓",
        )
        assertEqual(parsed.name, "not a self call")
        helper.assertTrue(parsed)
        self.check(parsed)
        for word in parsed.words:
            if word:
                self.assertIn(word, "Zoë 履歴書")
        with self.assertRaises(ValueError) as caught:
            parse("")
        self.assertRaises(TypeError, parse, None)
        with self.subTest("é"):
            self.assertTrue(parsed.ok)
        self.failUnless(parsed)
        self.fail("unreachable é")
'''


def test_unittest_assertions_with_non_ascii_text(structure: TreeSitterCodeStructure) -> None:
    spans = structure.assertions(UNITTEST_METHOD, "python")
    assert texts(UNITTEST_METHOD, spans) == [
        'self.assertEqual(parsed.name, "Zoë")',
        'self.assertEqual(\n            normalize(strip(parsed.title)),\n            "履歴書",\n'
        '            msg="non-ASCII before ✓",\n        )',
        'self.assertIn(word, "Zoë 履歴書")',
        "with self.assertRaises(ValueError) as caught:",
        "self.assertRaises(TypeError, parse, None)",
        "self.assertTrue(parsed.ok)",
        "self.failUnless(parsed)",
        'self.fail("unreachable é")',
    ]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


PYTEST_FUNCTION = """def test_parse_rejects_bad_input(tmp_path):
    data = {"ключ": [1, 2]}
    assert parse(data) == {"ключ": 3}, "sum of ключ"
    assert (
        len(data)
        == 1
    )
    with pytest.raises(ValueError, match="ключ"):
        parse(None)
    with pytest.raises(
        KeyError,
    ) as info:
        parse({})
    with open(tmp_path / "x") as handle, pytest.warns(UserWarning):
        parse(handle)
    with pytest.deprecated_call():
        old_parse(data)
    with other.raises(ValueError):
        pass

    def nested():
        assert True
"""


def test_pytest_assertions_and_context_headers(structure: TreeSitterCodeStructure) -> None:
    found = texts(PYTEST_FUNCTION, structure.assertions(PYTEST_FUNCTION, "python"))
    assert found == [
        'assert parse(data) == {"ключ": 3}, "sum of ключ"',
        "assert (\n        len(data)\n        == 1\n    )",
        'with pytest.raises(ValueError, match="ключ"):',
        "with pytest.raises(\n        KeyError,\n    ) as info:",
        'with open(tmp_path / "x") as handle, pytest.warns(UserWarning):',
        "with pytest.deprecated_call():",
        "assert True",
    ]


JUNIT = """@Test
    public void testParseDate() throws Exception {
        Date d = parser.parseDate("2024-01-31 — é");
        assertEquals(2024, d.getYear());
        Assert.assertTrue("naïve", d.isValid());
        org.junit.Assert.assertFalse(d.isEmpty());
        Assertions.assertThrows(IllegalArgumentException.class, () -> {
            assertEquals(1, parser.parseDate(""));
        });
        assertThat(d.getMonth()).isEqualTo(1).isNotNull();
        MatcherAssert.assertThat(d, notNullValue());
        assertAll(
            () -> assertEquals(31, d.getDay()),
            () -> assertNotNull(d));
        helper.assertValid(d);
        verify(parser).parseDate("2024-01-31 — é");
        if (d == null) {
            fail("no date: ü");
        }
        assert d != null : "never";
    }"""


def test_junit_4_and_5_assertions(structure: TreeSitterCodeStructure) -> None:
    found = texts(JUNIT, structure.assertions(JUNIT, "java"))
    assert found == [
        "assertEquals(2024, d.getYear());",
        'Assert.assertTrue("naïve", d.isValid());',
        "org.junit.Assert.assertFalse(d.isEmpty());",
        "Assertions.assertThrows(IllegalArgumentException.class, () -> {\n"
        '            assertEquals(1, parser.parseDate(""));\n        });',
        "assertThat(d.getMonth()).isEqualTo(1).isNotNull();",
        "MatcherAssert.assertThat(d, notNullValue());",
        "assertAll(\n            () -> assertEquals(31, d.getDay()),\n            () -> assertNotNull(d));",
        'fail("no date: ü");',
        'assert d != null : "never";',
    ]


def test_a_java_constructor_style_unit_is_parsed_inside_a_class(structure: TreeSitterCodeStructure) -> None:
    code = "DateParserTest() {\n        assertNotNull(clock);\n    }"
    assert texts(code, structure.assertions(code, "java")) == ["assertNotNull(clock);"]


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("def test_x(self):\n    self.assertEqual(1, (\n", "python"),  # broken: the call never closes
        ("", "python"),
        ("func TestX(t *testing.T) { assert.Equal(t, 1, 1) }", "go"),  # assertions: Python and Java only
        ("def test_x():\n    assert 1\n", "cobol"),
        ("def test_\udcff():\n    assert '\ud800'\n", "python"),  # lone surrogates
    ],
)
def test_what_cannot_be_read_gives_no_assertion_and_never_raises(
    structure: TreeSitterCodeStructure, code: str, language: str
) -> None:
    spans = structure.assertions(code, language)
    assert all(code[start:end].startswith("assert") for start, end in spans)
    if language != "python" or not code:
        assert spans == []


PYTHON_BODIES = [
    (
        'def total(items):\n    """Sum the prices: ✓."""\n    # running sum\n    s = 0\n    return s  # done',
        "# running sum\n    s = 0\n    return s  # done",
    ),
    ("def f(x):\n    # a comment before any code\n    return x", "# a comment before any code\n    return x"),
    ("def f(x): return x * 2", "return x * 2"),
    ('def f():\n    """Only a docstring."""', ""),
    ("async def fetch(url) -> bytes:\n    return await get(url)", "return await get(url)"),
    (
        '@cache\n    def name(self) -> str:\n        """Ünïcode doc."""\n        return "名前"',
        'return "名前"',
    ),
    ("def f(x):\n    call()\n    return x", "call()\n    return x"),  # a first call is no docstring
]


@pytest.mark.parametrize(("code", "body"), PYTHON_BODIES)
def test_python_bodies_leave_out_the_signature_and_the_docstring(
    structure: TreeSitterCodeStructure, code: str, body: str
) -> None:
    span = structure.body(code, "python")
    assert span is not None and code[span[0] : span[1]] == body


BRACE_BODIES = [
    ("java", "public int add(int a, int b) {\n    return a + b; // ✓\n}", "return a + b; // ✓"),
    ("java", "Slot(int index) {\n        this.index = index;\n    }", "this.index = index;"),
    ("java", '@Override\n    public String toString() { return "é"; }', 'return "é";'),
    ("javascript", "constructor(owner) {\n    this.owner = owner;\n  }", "this.owner = owner;"),
    ("javascript", "const twice = (x) => x * 2;", "x * 2"),
    (
        "typescript",
        "save(entity: T): void {\n    this.items.set(entity.id, entity);\n  }",
        "this.items.set(entity.id, entity);",
    ),
    ("tsx", "function Badge({ n }: P) {\n  return <span>{n}</span>;\n}", "return <span>{n}</span>;"),
    ("go", "func (q *Queue) Len() int {\n\treturn len(q.items)\n}", "return len(q.items)"),
    ("rust", "fn cents(b: &Balance) -> i64 {\n    b.cents\n}", "b.cents"),
    ("c", "int pick(void) {\n    return 0;\n}", "return 0;"),
    ("cpp", "bool square() const { return rows == cols; }", "return rows == cols;"),
    ("csharp", "public Order(string id)\n        {\n            Id = id;\n        }", "Id = id;"),
    ("csharp", "public void Add(TLine line) => _lines.Add(line);", "_lines.Add(line)"),
    ("kotlin", "fun area(): Double {\n    return PI * r * r\n}", "return PI * r * r"),
    ("kotlin", "fun product(a: Double, b: Double) = a * b", "a * b"),
    (
        "php",
        "public function touch(): void\n    {\n        $this->at = time();\n    }",
        "$this->at = time();",
    ),
    ("php", 'function format_amount(int $c): string {\n    return "€" . $c;\n}', 'return "€" . $c;'),
    (
        "ruby",
        "def initialize(isbn)\n      @isbn = isbn\n      @title = 'ü'\n    end",
        "@isbn = isbn\n      @title = 'ü'",
    ),
    ("java", "void empty() {\n    }", ""),
]


@pytest.mark.parametrize(("language", "code", "body"), BRACE_BODIES)
def test_bodies_are_the_inside_of_the_braces_trimmed(
    structure: TreeSitterCodeStructure, language: str, code: str, body: str
) -> None:
    span = structure.body(code, language)
    assert span is not None and code[span[0] : span[1]] == body


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("abstract int size();", "java"),
        ("~Matrix() = default;", "cpp"),
        ("this is not code {{{", "python"),
        ("def f(x):\n    return x", "cobol"),
        ("", "go"),
    ],
)
def test_no_body_gives_none(structure: TreeSitterCodeStructure, code: str, language: str) -> None:
    assert structure.body(code, language) is None


@pytest.mark.parametrize("language", sorted(p.name for p in CORPUS.iterdir()))
def test_every_function_of_the_parsing_corpus_has_its_body_after_its_signature(
    structure: TreeSitterCodeStructure, language: str
) -> None:
    parser = TreeSitterCodeParser()
    for path in (CORPUS / language).iterdir():
        outcome = parser.extract(
            SourceFile(path=path.name, language=Language(language), text=path.read_text())
        )
        for unit in outcome.units:
            if unit.kind is UnitKind.CLASS:
                continue
            span = structure.body(unit.code, language)
            if span is None:
                assert unit.code.rstrip().endswith(";"), unit.code  # declared without a body
                continue
            start, end = span
            header = " ".join(unit.code[:start].split())
            assert unit.name.split(".")[-1] in header or language == "cpp", (unit.name, header)
            assert not unit.code[end:].strip(" \t\r\n}").replace("end", "").strip(";"), unit.code[end:]


def test_a_large_file_parsed_before_leaves_no_narrowed_range_behind() -> None:
    """The collect parser queries a large file in chunks on the thread's cursor; structures read after it
    must still see the whole of their input."""
    text = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(40_000))  # past a query chunk
    file = SourceFile(path="big.py", language=Language.PYTHON, text=text, source="s")
    assert len(TreeSitterCodeParser().extract(file).units) == 40_000
    assert TreeSitterCodeStructure().body("def small(a):\n    return a * 2\n", "python") is not None
