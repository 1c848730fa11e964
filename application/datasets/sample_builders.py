"""Task samples from corpus records: one sample per usable unit, every other unit counted by reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from codemill.application.datasets.assertion_samples import MaskedAssertion, assertion_samples
from codemill.application.datasets.body_samples import body_maker
from codemill.application.datasets.labels import label_reader
from codemill.application.datasets.row_samples import samples_from_rows
from codemill.application.datasets.text_keys import text_key
from codemill.domain.code import UnitKind
from codemill.domain.corpus import UnitRecord
from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.docstring_targets import NO_DOCSTRING, summarize_docstring
from codemill.domain.errors import InputError
from codemill.domain.name_masking import mask_name
from codemill.domain.ports.code_structure import CodeStructure

__all__ = ["CLEAN", "VULNERABLE", "build_samples", "samples_from_rows"]

VULNERABLE = "vulnerable"
CLEAN = "clean"
MIN_NAME_LENGTH = 2
GROUP_KEYS = ("file", "repository")


@dataclass(frozen=True, slots=True)
class _Payload:
    text: str
    target: str | None = None
    label: str | None = None
    labels: tuple[str, ...] = ()


_Maker = Callable[[UnitRecord], _Payload | str]  # a payload, or the reason the record is skipped


def build_samples(
    records: Iterable[UnitRecord],
    task: TaskSpec,
    *,
    group_by: str,
    scanned_languages: Collection[str] | None = None,
    code_structure: CodeStructure | None = None,
) -> tuple[list[Sample], Counter[str]]:
    """The task's samples, in record order, and the number of records skipped per reason.

    - generation/summarize: the code without its docstring -> the docstring's
      summary (skips 'no_docstring', 'docstring_too_short');
    - generation/name: functions and methods only, their name masked in the
      code -> the name (skips 'not_a_function', 'name_too_short');
    - generation/assertion: one sample per assertion of each Python or Java
      test, id `{unit id}#a{index}` (see `assertion_samples`; `records` is
      read twice);
    - generation/body: functions and methods, their body masked -> the body
      (see `body_maker`);
    - both code-target tasks keep the first sample of each input (up to
      whitespace) and skip the others as 'duplicate_input': one input with
      several targets cannot be learned (`def setUp(self): <mask>`), and
      identical inputs would tie their files into one split;
    - classification: the code -> the `task.label_field` value (default
      'language'; skips 'missing_label');
    - security: the code -> 'vulnerable'/'clean' (binary), or the sorted unique
      test ids / 'CWE-<n>' of its findings (multi-label; no findings gives no
      labels); with `scanned_languages`, units in other languages are skipped
      ('language_not_scanned'), since no finding there does not mean clean.
    Every sample's id is the unit id (an assertion's adds `#a{index}`), its
    group the file (source-prefixed path) or the repository (`group_by`), its
    cluster the record's near-duplicate cluster (the unit id when it has none).
    Raises InputError for an unknown `group_by` or label field, before reading
    records; the code-target tasks need `code_structure` (ValueError without).
    """
    if group_by not in GROUP_KEYS:
        raise InputError(f"group_by must be 'file' or 'repository', got {group_by!r}")
    if task.target_is_code:
        if code_structure is None:
            raise ValueError(f"task generation/{task.effective_subtask} needs a CodeStructure")
        if task.effective_subtask == "assertion":
            return _unique_inputs(*_assertion_samples(records, code_structure, group_by))
        return _unique_inputs(*_unit_samples(records, _maker(task, None, code_structure), group_by))
    return _unit_samples(records, _maker(task, scanned_languages, code_structure), group_by)


def _unit_samples(
    records: Iterable[UnitRecord], make: _Maker, group_by: str
) -> tuple[list[Sample], Counter[str]]:
    samples: list[Sample] = []
    skipped: Counter[str] = Counter()
    for record in records:
        outcome = make(record)
        if isinstance(outcome, str):
            skipped[outcome] += 1
            continue
        samples.append(_sample(record, outcome, group_by))
    return samples, skipped


def _unique_inputs(samples: list[Sample], skipped: Counter[str]) -> tuple[list[Sample], Counter[str]]:
    seen: set[str] = set()
    kept = []
    for sample in samples:
        key = text_key(sample.text)
        if key in seen:
            skipped["duplicate_input"] += 1
        else:
            seen.add(key)
            kept.append(sample)
    return kept, skipped


def _assertion_samples(
    records: Iterable[UnitRecord], structure: CodeStructure, group_by: str
) -> tuple[list[Sample], Counter[str]]:
    samples: list[Sample] = []
    skipped: Counter[str] = Counter()
    for outcome in assertion_samples(records, structure):
        if isinstance(outcome, MaskedAssertion):
            payload = _Payload(outcome.text, target=outcome.target)
            sample_id = f"{outcome.record.unit.id}#a{outcome.index}"
            samples.append(_sample(outcome.record, payload, group_by, sample_id=sample_id))
        else:
            skipped[outcome] += 1
    return samples, skipped


def _sample(record: UnitRecord, payload: _Payload, group_by: str, *, sample_id: str = "") -> Sample:
    unit = record.unit
    group = f"{unit.source}::{unit.path}" if group_by == "file" else unit.source
    return Sample(
        id=sample_id or unit.id,
        text=payload.text,
        target=payload.target,
        label=payload.label,
        labels=payload.labels,
        group=group,
        cluster=record.cluster_id or unit.id,
        language=str(unit.language),
    )


def _maker(
    task: TaskSpec, scanned_languages: Collection[str] | None, structure: CodeStructure | None
) -> _Maker:
    subtask = task.effective_subtask
    if task.task is TaskType.GENERATION:
        if subtask == "body" and structure is not None:
            return _body_payload_maker(structure)
        return _name_payload if subtask == "name" else _summary_payload
    if task.task is TaskType.CLASSIFICATION:
        return _classification_maker(task.label_field or "language")
    security = {"binary": _binary_payload, "test_id": _test_id_payload, "cwe": _cwe_payload}[subtask]
    if scanned_languages is None:
        return security
    scanned = frozenset(scanned_languages)
    return lambda record: security(record) if str(record.unit.language) in scanned else "language_not_scanned"


def _summary_payload(record: UnitRecord) -> _Payload | str:
    summary = summarize_docstring(record.unit.docstring)
    if summary.text is None:
        return NO_DOCSTRING if summary.reason == NO_DOCSTRING else "docstring_too_short"
    return _Payload(record.unit.code_without_docstring, target=summary.text)


def _name_payload(record: UnitRecord) -> _Payload | str:
    unit = record.unit
    if unit.kind is UnitKind.CLASS:
        return "not_a_function"
    if len(unit.name) < MIN_NAME_LENGTH:
        return "name_too_short"
    return _Payload(mask_name(unit.code_without_docstring, unit.name), target=unit.name)


def _body_payload_maker(structure: CodeStructure) -> _Maker:
    make = body_maker(structure)

    def payload(record: UnitRecord) -> _Payload | str:
        outcome = make(record)
        return outcome if isinstance(outcome, str) else _Payload(outcome[0], target=outcome[1])

    return payload


def _classification_maker(field: str) -> _Maker:
    read = label_reader(field)

    def make(record: UnitRecord) -> _Payload | str:
        label = read(record)
        return "missing_label" if label is None else _Payload(record.unit.code, label=label)

    return make


def _binary_payload(record: UnitRecord) -> _Payload:
    return _Payload(record.unit.code, label=VULNERABLE if record.findings else CLEAN)


def _test_id_payload(record: UnitRecord) -> _Payload:
    return _Payload(record.unit.code, labels=tuple(sorted({f.test_id for f in record.findings})))


def _cwe_payload(record: UnitRecord) -> _Payload:
    cwes = sorted({f.cwe for f in record.findings if f.cwe is not None})
    return _Payload(record.unit.code, labels=tuple(f"CWE-{cwe}" for cwe in cwes))
