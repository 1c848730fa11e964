"""Assertion generation (the ATLAS set-up): a test with one assertion masked, plus its focal function.

For each assertion of a test, one sample: the input is the test's code
with that assertion replaced by `MASK_TOKEN` (the other assertions stay),
followed by `FOCAL_SEPARATOR` and the focal function's code without its
docstring when `FocalIndex` finds one; the target is the assertion exactly
as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from codemill.application.datasets.focal_functions import FocalIndex, wanted_keys
from codemill.domain.code import UnitKind
from codemill.domain.corpus import UnitRecord
from codemill.domain.dataset import MASK_TOKEN
from codemill.domain.ports.code_structure import CodeStructure, Span
from codemill.domain.unit_filters import TEST_FLAG

ASSERTION_LANGUAGES = frozenset({"python", "java"})
MAX_ASSERTION_CHARS = 512
FOCAL_SEPARATOR = " </s> "


@dataclass(frozen=True, slots=True)
class MaskedAssertion:
    """One sample's content: the `index`-th assertion of `record`'s test masked."""

    record: UnitRecord
    index: int
    text: str
    target: str


def assertion_samples(
    records: Iterable[UnitRecord], structure: CodeStructure
) -> Iterator[MaskedAssertion | str]:
    """Each sample, in record and assertion order, or the reason a unit or an assertion gives none.

    - per unit: 'not_a_test' (no test flag), 'not_a_function' (a class: its
      methods are the tests), 'language_unsupported' (not Python or Java),
      'no_assertion';
    - per assertion: 'assertion_too_long' (over `MAX_ASSERTION_CHARS` characters).
    `records` is read twice (tests first, then the functions they may test),
    so it must start over on each `iter()`; a one-shot iterator is read into
    a list first. Memory holds the tests with their assertion spans and only
    the non-test functions whose name some test may look up.
    """
    if isinstance(records, Iterator):
        records = list(records)
    tests: list[tuple[UnitRecord, list[Span]]] = []
    wanted: dict[str, set[str]] = {}
    for record in records:
        reason = _unit_skip(record)
        spans = structure.assertions(record.unit.code, str(record.unit.language)) if not reason else []
        if reason or not spans:
            yield reason or "no_assertion"
            continue
        tests.append((record, spans))
        wanted.setdefault(str(record.unit.language), set()).update(wanted_keys(record, spans[-1][0]))
    index = FocalIndex(wanted)
    index.add_all(records)
    for record, spans in tests:
        yield from _masked(record, spans, index)


def _unit_skip(record: UnitRecord) -> str | None:
    if TEST_FLAG not in record.flags:
        return "not_a_test"
    if record.unit.kind is UnitKind.CLASS:
        return "not_a_function"
    if str(record.unit.language) not in ASSERTION_LANGUAGES:
        return "language_unsupported"
    return None


def _masked(record: UnitRecord, spans: list[Span], index: FocalIndex) -> Iterator[MaskedAssertion | str]:
    code = record.unit.code
    focal_before = index.finder(record)
    for position, (start, end) in enumerate(spans):
        target = code[start:end]
        if len(target) > MAX_ASSERTION_CHARS:
            yield "assertion_too_long"
            continue
        text = code[:start] + MASK_TOKEN + code[end:]
        focal = focal_before(start)
        if focal is not None:
            text += FOCAL_SEPARATOR + focal
        yield MaskedAssertion(record=record, index=position, text=text, target=target)
