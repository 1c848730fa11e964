"""Outcomes on hostile input: syntax errors, timeouts, odd bytes; the parser never raises."""

from __future__ import annotations

import time

import pytest

from codemill.domain.code import Language, SourceFile
from codemill.infrastructure.parsing import TreeSitterCodeParser
from codemill.infrastructure.parsing import tree_sitter_code_parser as adapter


def source(text: str, language: Language = Language.PYTHON) -> SourceFile:
    return SourceFile(path="sample", language=language, text=text)


@pytest.fixture(scope="module")
def parser() -> TreeSitterCodeParser:
    return TreeSitterCodeParser()


def test_supports_every_language(parser) -> None:
    assert all(parser.supports(language) for language in Language)


def test_clean_file_has_no_error(parser) -> None:
    outcome = parser.extract(source("def f():\n    return 1\n"))
    assert (outcome.error_kind, outcome.has_error) == (None, False)
    assert outcome.parse_ms > 0


def test_broken_python_still_yields_units_and_flags_the_broken_one(parser) -> None:
    text = "def ok():\n    return 1\n\ndef bad(:\n    return 2\n\ndef later():\n    return 3\n"
    outcome = parser.extract(source(text))
    flags = {unit.qualified_name: unit.has_error for unit in outcome.units}
    assert (outcome.error_kind, outcome.has_error) == ("syntax_errors", True)
    assert flags["ok"] is False
    assert flags["bad"] is True
    assert flags["later"] is False


def test_broken_java_still_yields_units(parser) -> None:
    text = "class A {\n  void good() { run(); }\n  void broken() { if (x { }\n}\n"
    outcome = parser.extract(source(text, Language.JAVA))
    flags = {unit.qualified_name: unit.has_error for unit in outcome.units}
    assert outcome.error_kind == "syntax_errors"
    assert flags["A"] is True
    assert flags["A.good"] is False


def test_parse_past_the_time_limit_gives_timeout_and_no_units() -> None:
    big = "".join(f"def f{i}(a, b):\n    return [a + b * {i} for _ in range(3)]\n\n" for i in range(60_000))
    outcome = TreeSitterCodeParser(timeout_ms=1).extract(source(big))
    assert (outcome.units, outcome.error_kind, outcome.has_error) == ((), "timeout", True)


def test_parser_is_usable_again_after_a_timeout() -> None:
    big = "x = 1\n" * 400_000
    assert TreeSitterCodeParser(timeout_ms=1).extract(source(big)).error_kind == "timeout"
    outcome = TreeSitterCodeParser().extract(source("def after():\n    pass\n"))
    assert [unit.qualified_name for unit in outcome.units] == ["after"]
    assert outcome.error_kind is None


def test_a_slow_query_on_a_huge_literal_stops_near_the_time_limit() -> None:
    huge_line = "x = [" + "1," * 1_500_000 + "]\ndef f():\n    pass\n"
    started = time.perf_counter()
    outcome = TreeSitterCodeParser(timeout_ms=500).extract(source(huge_line))
    assert outcome.error_kind == "timeout"
    assert time.perf_counter() - started < 8


def test_query_chunks_join_into_the_same_units(parser, monkeypatch) -> None:
    text = "".join(
        f"class C{i}:\n    # note {i}\n    def m(self):\n        return {i}\n\n" for i in range(200)
    )
    whole = parser.extract(source(text)).units
    monkeypatch.setattr(adapter, "_QUERY_CHUNK", 97)
    chunked = parser.extract(source(text)).units
    assert len(whole) == 400
    assert chunked == whole


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\t\n",
        "# only a comment",
        "\ufeffdef bom():\n    pass\n",
        'def nul():\n    return "\x00"\x00\n',
        b'def raw():\n    return "\xff\xfe"\n'.decode("utf-8", "surrogateescape"),
        'def lone():\n    return "\ud800"\n',
        "class A:\r\n    def m(self):\r\n        pass\r\n",
        "def f(:\n" * 200,
        "x = " + "(" * 20_000 + ")" * 20_000 + "\n",
        "x = " + "[" * 20_000,
        "".join("    " * depth + f"def f{depth}():\n" for depth in range(200)) + "    " * 200 + "pass\n",
        "}{)(][" * 2_000,
    ],
    ids=lambda text: repr(text[:12]),
)
@pytest.mark.parametrize("language", list(Language), ids=str)
def test_never_raises_on_odd_input(parser, text: str, language: Language) -> None:
    outcome = parser.extract(source(text, language))
    assert outcome.error_kind in (None, "syntax_errors", "timeout")
    for unit in outcome.units:
        assert unit.start_line <= unit.end_line
        assert 0 <= unit.start_byte <= unit.end_byte


def test_odd_bytes_keep_offsets_into_the_original_bytes(parser) -> None:
    text = b'def raw():\n    return "\xff"\n\ndef after():\n    pass\n'.decode("utf-8", "surrogateescape")
    units = {unit.qualified_name: unit for unit in parser.extract(source(text)).units}
    data = text.encode("utf-8", "surrogateescape")
    after = units["after"]
    assert data[after.start_byte : after.end_byte] == b"def after():\n    pass"
    assert units["raw"].code == text[: text.index("\n\n")]


def test_deeply_nested_definitions_get_deep_qualified_names(parser) -> None:
    text = "".join("    " * depth + f"def f{depth}():\n" for depth in range(100)) + "    " * 100 + "pass\n"
    units = parser.extract(source(text)).units
    assert len(units) == 100
    assert units[-1].qualified_name == ".".join(f"f{depth}" for depth in range(100))


def test_results_are_deterministic(parser) -> None:
    text = 'class A:\n    """Doc."""\n    def m(self):  # note\n        return {"k": [1, 2]}\n'
    first, second = parser.extract(source(text)), parser.extract(source(text))
    assert first.units == second.units
