"""What must hold for every file the collect step processes, whatever its bytes.

- `FileProcessor.process` returns (no exception escapes);
- the file is either a counted skip (a non-empty reason, no units) or parsed
  into units of its language;
- every unit's `code` is the decoded text between its byte offsets, which
  count UTF-8 bytes of the screened text (a UTF-8 byte order mark removed),
  on character boundaries; its lines are ordered and lie around those offsets
  (a line ends at LF, CR LF or a lone CR)
  (with redaction on, only units where nothing was redacted are compared);
- a Python file that tree-sitter parses without errors and `ast` parses gives
  the same functions, methods and classes as `ast` (checked with redaction off).

`check` raises AssertionError on a violation, for pytest and for atheris alike.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import warnings
from functools import cache

from codemill.application.collection.file_processor import CollectOptions, FileProcessor, FileResult
from codemill.domain.code import CodeUnit, Language
from codemill.domain.file_screening import screen_file
from codemill.domain.sources import RawFile
from tests.support.python_ast_rows import ast_rows, unit_rows

OPTIONS = CollectOptions(redact=False)
_LINE_END = re.compile(rb"\r\n?|\n")  # line ends as the languages count them: LF, CR LF, a lone CR


@cache
def processor(*, redact: bool = False) -> FileProcessor:
    """The real processor (every grammar, metrics, security scan, fingerprints); built once per process."""
    from codemill.infrastructure.collection.file_worker import build_file_processor
    from codemill.presentation.container import dedup_factory
    from codemill.presentation.settings import CollectSettings

    options = dataclasses.replace(OPTIONS, redact=redact)
    return build_file_processor(options, dedup_factory(CollectSettings.model_validate({})))


def check(raw: RawFile, *, redact: bool = False) -> FileResult:
    """Process `raw` with the real processor and assert every invariant; the result, for statistics."""
    result = processor(redact=redact).process(raw)
    assert result.path == raw.path and result.size == len(raw.data)
    if result.skip_reason is not None:
        assert isinstance(result.skip_reason, str) and result.skip_reason, result
        assert not result.candidates
        return result
    assert result.language is not None
    text = screen_file(raw.path, raw.data, OPTIONS.limits).text
    assert text is not None, "a parsed file must pass the screen"
    data = text.encode("utf-8")
    units = [candidate.record.unit for candidate in result.candidates]
    for candidate in result.candidates:
        check_unit(candidate.record.unit, data, result.language, compare_code=not candidate.record.redactions)
    if result.language is Language.PYTHON and result.parse_error is None and not redact:
        check_against_ast(text, units)
    return result


def check_unit(unit: CodeUnit, data: bytes, language: Language, *, compare_code: bool = True) -> None:
    start, end = unit.start_byte, unit.end_byte
    assert unit.language is language
    assert 0 <= start <= end <= len(data), (start, end, len(data))
    span = data[start:end].decode("utf-8")  # raises when an offset splits a character
    assert not compare_code or unit.code == span, (unit.qualified_name, start, end)
    first_line = len(_LINE_END.findall(data, 0, start)) + 1
    last_line = len(_LINE_END.findall(data, 0, end)) + 1
    assert first_line <= unit.start_line <= unit.end_line <= last_line, (
        unit.qualified_name,
        (first_line, unit.start_line, unit.end_line, last_line),
    )


def check_against_ast(text: str, units: list[CodeUnit]) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    expected, found = ast_rows(tree), unit_rows(units)
    assert expected == found, (sorted(expected - found, key=repr)[:3], sorted(found - expected, key=repr)[:3])
