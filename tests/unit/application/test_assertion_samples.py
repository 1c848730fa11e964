from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from codemill.application.datasets import focal_functions
from codemill.application.datasets.assertion_samples import FOCAL_SEPARATOR, MAX_ASSERTION_CHARS
from codemill.application.datasets.focal_functions import FocalIndex, called_keys
from codemill.application.datasets.sample_builders import build_samples
from codemill.domain.code import CodeUnit, Language, UnitKind
from codemill.domain.corpus import UnitRecord
from codemill.domain.dataset import MASK_TOKEN, Sample, TaskSpec, TaskType
from codemill.domain.unit_filters import TEST_FLAG
from tests.fakes.dataset_fakes import RegexCodeStructure

ASSERTION = TaskSpec(task=TaskType.GENERATION, subtask="assertion")
TEST = frozenset({TEST_FLAG})

PARSE_DATE = '''def parse_date(text):
    """Parse an ISO date."""
    year, month, day = text.split("-")
    return int(year), int(month), int(day)
'''
PARSE_DATE_BARE = PARSE_DATE.replace('    """Parse an ISO date."""\n', "")

TEST_PARSE_DATE = """def test_parse_date(self):
        value = parse_date("2024-01-31")
        self.assertEqual(value, (2024, 1, 31))
        assert value[0] > 2000
        with pytest.raises(ValueError):
            parse_date("nope")
"""


def unit_record(
    name: str,
    code: str,
    *,
    without_docstring: str | None = None,
    path: str = "pkg/dates.py",
    source: str = "repo",
    language: Language = Language.PYTHON,
    kind: UnitKind = UnitKind.FUNCTION,
    flags: frozenset[str] = frozenset(),
) -> UnitRecord:
    unit = CodeUnit(
        id=f"{source}:{path}:{name}",
        source=source,
        commit="",
        path=path,
        language=language,
        kind=kind,
        name=name,
        qualified_name=name,
        signature=code.split("\n", 1)[0],
        docstring=None,
        code=code,
        code_without_docstring=without_docstring or code,
        start_line=1,
        end_line=code.count("\n") + 1,
        start_byte=0,
        end_byte=len(code.encode()),
        has_error=False,
    )
    return UnitRecord(unit=unit, flags=flags, cluster_id="")


def focal() -> UnitRecord:
    return unit_record("parse_date", PARSE_DATE, without_docstring=PARSE_DATE_BARE)


def a_test(name: str = "test_parse_date", code: str = TEST_PARSE_DATE, **kwargs: Any) -> UnitRecord:
    kwargs.setdefault("path", "tests/test_dates.py")
    kwargs.setdefault("kind", UnitKind.METHOD)
    return unit_record(name, code, flags=TEST, **kwargs)


def build(records: Iterable[UnitRecord]) -> tuple[list[Sample], Counter[str]]:
    return build_samples(records, ASSERTION, group_by="file", code_structure=RegexCodeStructure())


def test_each_assertion_is_masked_once_and_the_focal_function_follows() -> None:
    samples, skipped = build([a_test(), focal()])
    assert skipped == Counter({"not_a_test": 1})
    assert [s.id for s in samples] == [f"repo:tests/test_dates.py:test_parse_date#a{i}" for i in range(3)]
    assert [s.target for s in samples] == [
        "self.assertEqual(value, (2024, 1, 31))",
        "assert value[0] > 2000",
        "with pytest.raises(ValueError):",
    ]
    for sample in samples:
        test_part, focal_part = sample.text.split(FOCAL_SEPARATOR)
        assert test_part.count(MASK_TOKEN) == 1
        assert test_part.replace(MASK_TOKEN, sample.target or "") == TEST_PARSE_DATE
        assert focal_part == PARSE_DATE_BARE  # the focal function without its docstring
    # the other assertions stay in place
    assert "assert value[0] > 2000" in samples[0].text and "self.assertEqual" in samples[1].text


def test_all_samples_of_a_test_share_group_and_cluster() -> None:
    samples, _ = build([a_test(), focal()])
    assert {(s.group, s.cluster, s.language) for s in samples} == {
        ("repo::tests/test_dates.py", "repo:tests/test_dates.py:test_parse_date", "python")
    }


@pytest.mark.parametrize(
    ("test_name", "key"),
    [
        ("test_parse_date", "parse_date"),
        ("testParseDate", "parsedate"),
        ("test__private_helper", "private_helper"),
        ("ParseDateTest", "parsedate"),
        ("parse_date_test", "parse_date"),
        ("parse_date_tests", "parse_date"),
        ("TEST_PARSE", "parse"),
        ("parsesIsoDates", "parsesisodates"),  # no test affix: the name itself
        ("testimony", "testimony"),  # `test` inside a word is no prefix
        ("test", None),
        ("test_", None),
    ],
)
def test_the_tested_name_drops_the_test_prefix_or_suffix(test_name: str, key: str | None) -> None:
    assert focal_functions.tested_name_key(test_name) == key


def test_java_camel_case_tests_find_their_method_case_insensitively() -> None:
    java_test = """@Test
public void testParseDate() {
    Date d = parser.parseDate("2024-01-31");
    assertEquals(2024, d.getYear());
    Assertions.assertNotNull(d);
}"""
    method = "public Date ParseDate(String text) {\n    return Date.parse(text);\n}"
    samples, _ = build(
        [
            a_test(
                "testParseDate", java_test, path="src/test/java/DateParserTest.java", language=Language.JAVA
            ),
            unit_record("ParseDate", method, path="src/main/java/DateParser.java", language=Language.JAVA),
            unit_record("parse_date", PARSE_DATE),  # Python: another language, never a Java test's focal
        ]
    )
    assert [s.target for s in samples] == ["assertEquals(2024, d.getYear());", "Assertions.assertNotNull(d);"]
    assert all(s.text.endswith(FOCAL_SEPARATOR + method) for s in samples)


def test_without_a_name_match_the_last_known_call_before_the_assertion_is_the_focal() -> None:
    code = """def test_round_trip(self):
        data = encode({"a": 1})
        self.assertIsInstance(data, bytes)
        back = decode(data)
        self.assertEqual(back, {"a": 1})
        self.assertEqual(len(back), 1)
"""
    encode = "def encode(value):\n    return repr(value).encode()\n"
    decode = "def decode(data):\n    return eval(data)\n"
    samples, _ = build(
        [a_test("test_round_trip", code), unit_record("encode", encode), unit_record("decode", decode)]
    )
    focals = [s.text.split(FOCAL_SEPARATOR)[1] for s in samples]
    # `len` and `assertIsInstance` are not known functions; the masked assertion's own calls do not count
    assert focals == [encode, decode, decode]


def test_a_called_function_in_the_namesake_file_beats_a_later_call_defined_elsewhere() -> None:
    code = """def test_round_trip(self):
        value = parse_date("2024-01-31")
        text = render(value)
        self.assertEqual(text, "2024-01-31")
"""
    render = unit_record("render", "def render(v):\n    return str(v)\n", path="pkg/views.py")
    samples, _ = build([a_test("test_round_trip", code), render, focal()])
    assert samples[0].text.endswith(FOCAL_SEPARATOR + PARSE_DATE_BARE)  # dates.py is test_dates.py's namesake
    samples, _ = build([a_test("test_round_trip", code, path="tests/test_misc.py"), render, focal()])
    assert samples[0].text.endswith("return str(v)\n")  # no namesake: the last known call


def test_no_focal_function_leaves_the_masked_test_alone() -> None:
    samples, _ = build([a_test()])
    assert all(FOCAL_SEPARATOR not in s.text for s in samples)
    assert samples[0].text == TEST_PARSE_DATE.replace("self.assertEqual(value, (2024, 1, 31))", MASK_TOKEN)


def test_the_focal_function_comes_from_the_same_source_then_the_namesake_file() -> None:
    other_source = unit_record("parse_date", "def parse_date(s):\n    return 'b'\n", source="other")
    elsewhere = unit_record("parse_date", "def parse_date(s):\n    return 'c'\n", path="pkg/misc.py")
    namesake = unit_record("parse_date", "def parse_date(s):\n    return 'd'\n", path="pkg/dates.py")
    samples, _ = build([other_source, elsewhere, a_test(), namesake])
    assert samples[0].text.endswith("return 'd'\n")
    samples, _ = build([other_source, a_test(source="other")])
    assert samples[0].text.endswith("return 'b'\n")
    samples, _ = build([other_source, a_test()])  # no function of that name in the test's source
    assert samples[0].text.endswith("return 'b'\n")


def test_test_code_and_classes_are_never_focal_functions() -> None:
    helper = unit_record("parse_date", "def parse_date(s):\n    return 'helper'\n", flags=TEST)
    klass = unit_record("parse_date", "class parse_date:\n    pass\n", kind=UnitKind.CLASS)
    samples, _ = build([helper, klass, a_test()])
    assert all(FOCAL_SEPARATOR not in s.text for s in samples)


def test_skip_reasons_are_counted_per_unit_and_per_assertion() -> None:
    long_assert = "        assert value == " + "1" * MAX_ASSERTION_CHARS + "\n"
    records = [
        focal(),  # not a test
        a_test(
            "TestDates", "class TestDates:\n    def test_x(self):\n        assert 1\n", kind=UnitKind.CLASS
        ),
        a_test("TestParse", "func TestParse(t *testing.T) {\n}", language=Language.GO),
        a_test("test_nothing", "def test_nothing(self):\n        run()\n"),
        a_test(
            "test_long", "def test_long(self):\n        value = 1\n" + long_assert + "        assert value\n"
        ),
    ]
    samples, skipped = build(records)
    assert skipped == Counter(
        {
            "not_a_test": 1,
            "not_a_function": 1,
            "language_unsupported": 1,
            "no_assertion": 1,
            "assertion_too_long": 1,
        }
    )
    # ids keep the assertion's position among all of the test's assertions
    assert [(s.id.rsplit("#", 1)[1], s.target) for s in samples] == [("a1", "assert value")]


class CountingRecords:
    """Records that can be read again, counting the readings."""

    def __init__(self, records: list[UnitRecord]) -> None:
        self.records, self.readings = records, 0

    def __iter__(self) -> Iterator[UnitRecord]:
        self.readings += 1
        return iter(self.records)


def test_records_are_read_twice_and_a_one_shot_iterator_still_works() -> None:
    records = CountingRecords([a_test(), focal()])
    samples, _ = build(records)
    assert records.readings == 2 and len(samples) == 3
    once, _ = build(iter([a_test(), focal()]))
    assert [s.text for s in once] == [s.text for s in samples]


def test_the_index_keeps_only_the_functions_some_test_may_look_up() -> None:
    index = FocalIndex({"python": {"parse_date"}})
    index.add(unit_record("format_date", "def format_date(d):\n    return str(d)\n"))
    index.add(focal())
    assert index.finder(a_test())(0) == PARSE_DATE_BARE
    assert (
        index.finder(a_test("test_format_date", "def test_format_date():\n    format_date(x)\n"))(99) is None
    )
    java = "x = this.parse_Date(a) ? check (b) : new Thing(c); if (len(x)) {}"
    assert called_keys(java, "java") == ["parse_date", "check", "thing", "len"]


def test_calls_of_local_functions_and_bare_python_builtins_are_not_looked_up() -> None:
    code = "def f():\n    def helper(x):\n        return x\n"
    code += "    n = len(open(p).read())\n    self.open(helper(n))\n"
    assert called_keys(code, "python") == ["read", "open"]
