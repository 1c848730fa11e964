"""The function a test exercises (its focal function), found by name among a corpus's non-test units.

Names are compared by key: lower case, leading underscores dropped, so that
`test_parse_date` looks for `parse_date` (or `_parse_date`) and
`testParseDate` or `ParseDateTest` for `parseDate` or `ParseDate`. A test
looks up first the name its own name gives without the `test` prefix or
suffix; then the names it calls before the assertion in question, from the
last one back: the last one defined in the test file's namesake
(`tests/test_dates.py` -> `dates.py`, `DateParserTest.java` ->
`DateParser.java`) if any, else the last one defined anywhere. Calls of
functions the test defines itself, bare calls of names it assigns, and bare
calls of Python builtins (`len(x)`, `open(p)`) are not looked up; functions
nested in other functions are never focal. Among functions of one name, one
from the test's own source wins, then one in the namesake file, then the
first one seen.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from codemill.domain.code import UnitKind
from codemill.domain.corpus import UnitRecord
from codemill.domain.unit_filters import TEST_FLAG

MAX_CANDIDATES_PER_SOURCE = 32  # functions kept per name and source: bounds memory on common names

_TEST_PREFIX = re.compile(r"^(?:test|Test|TEST)(?=$|[_A-Z0-9])_*")
_TEST_SUFFIX = re.compile(r"_*(?:Tests?|_tests?|TEST)$")
_CALL = re.compile(r"(\.)?\s*([A-Za-z_$][\w$]*)\s*\(")
_LOCAL_DEF = re.compile(r"\bdef\s+([A-Za-z_]\w*)")
_LOCAL_ASSIGNMENT = re.compile(r"^[ \t]*([A-Za-z_$][\w$]*)[ \t]*=(?!=)", re.M)
_NOT_CALLS = frozenset(
    {
        "if", "elif", "while", "for", "switch", "catch", "return", "assert", "not", "and", "or",
        "in", "is", "lambda", "yield", "await", "new", "super", "this", "synchronized", "with",
    }
)  # fmt: skip
_PYTHON_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def name_key(name: str) -> str:
    """The form names are compared in: lower case, without leading underscores."""
    return name.lstrip("_").lower()


def tested_name_key(test_name: str) -> str | None:
    """The key of the name a test's name points at (`test_parse_date` -> 'parse_date'; a name without
    a test prefix or suffix points at itself); None when nothing is left (`test`)."""
    return name_key(_TEST_SUFFIX.sub("", _TEST_PREFIX.sub("", test_name))) or None


def called_keys(code: str, language: str) -> list[str]:
    """Keys of the names `code` calls, in call order, less functions it defines, bare calls of
    names it assigns (`f = partial(g, 1)` then `f(2)`) and bare calls of Python builtins."""
    return [key for _, key in _calls(code, language)]


def _calls(code: str, language: str) -> list[tuple[int, str]]:
    """(where the call's `(` ends, key) of each call `called_keys` keeps."""
    defined = set(_LOCAL_DEF.findall(code))
    assigned = set(_LOCAL_ASSIGNMENT.findall(code))
    calls = []
    for match in _CALL.finditer(code):
        dot, name = match.groups()
        if name in _NOT_CALLS or name in defined:
            continue
        if not dot and (name in assigned or (language == "python" and name in _PYTHON_BUILTINS)):
            continue
        calls.append((match.end(), name_key(name)))
    return calls


def is_focal_candidate(record: UnitRecord) -> bool:
    """A top-level function or a method that is not itself test code (a function nested in another
    is a helper of that one, not what a test exercises)."""
    unit = record.unit
    if unit.kind is UnitKind.CLASS or TEST_FLAG in record.flags:
        return False
    return unit.kind is UnitKind.METHOD or "." not in unit.qualified_name


@dataclass(frozen=True, slots=True)
class _Candidate:
    path_key: str
    code: str


class FocalIndex:
    """Code of non-test functions, kept only for the (language, key) pairs asked for up front."""

    def __init__(self, wanted: dict[str, set[str]]) -> None:
        self._wanted = wanted  # language -> keys
        self._functions: dict[tuple[str, str], dict[str, list[_Candidate]]] = {}

    def add_all(self, records: Iterable[UnitRecord]) -> None:
        for record in records:
            self.add(record)

    def add(self, record: UnitRecord) -> None:
        unit = record.unit
        language = str(unit.language)
        key = name_key(unit.name)
        if key not in self._wanted.get(language, ()) or not is_focal_candidate(record):
            return
        by_source = self._functions.setdefault((language, key), {})
        kept = by_source.setdefault(unit.source, [])
        if len(kept) < MAX_CANDIDATES_PER_SOURCE:
            kept.append(_Candidate(_file_key(unit.path), unit.code_without_docstring))

    def finder(self, test: UnitRecord) -> Callable[[int], str | None]:
        """The focal function's code for an assertion of `test` starting at a character offset."""
        language = str(test.unit.language)
        by_name = tested_name_key(test.unit.name)
        named = self._functions.get((language, by_name)) if by_name else None
        if named:
            code = _best(named, test).code
            return lambda _start: code
        own = name_key(test.unit.name)
        known = [
            (end, self._functions[(language, key)])
            for end, key in _calls(test.unit.code, language)
            if key != own and (language, key) in self._functions
        ]

        def find(start: int) -> str | None:
            called = [by_source for end, by_source in reversed(known) if end <= start]
            for by_source in called:
                namesake = _namesake(by_source.get(test.unit.source, []), test)
                if namesake is not None:
                    return namesake.code
            return _best(called[0], test).code if called else None

        return find


def _best(by_source: dict[str, list[_Candidate]], test: UnitRecord) -> _Candidate:
    candidates = by_source.get(test.unit.source) or next(iter(by_source.values()))
    return _namesake(candidates, test) or candidates[0]


def _namesake(candidates: list[_Candidate], test: UnitRecord) -> _Candidate | None:
    wanted = tested_name_key(_file_stem(test.unit.path)) or _file_key(test.unit.path)
    return next((c for c in candidates if c.path_key == wanted), None)


def _file_stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def _file_key(path: str) -> str:
    return name_key(_file_stem(path))


def wanted_keys(test: UnitRecord, last_assertion_start: int) -> set[str]:
    """Every key the lookup of `test` may ask for, for assertions starting up to `last_assertion_start`."""
    keys = set(called_keys(test.unit.code[:last_assertion_start], str(test.unit.language)))
    by_name = tested_name_key(test.unit.name)
    if by_name:
        keys.add(by_name)
    return keys
