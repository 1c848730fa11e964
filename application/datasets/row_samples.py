"""Task samples from a user's own labelled rows (JSONL, CSV or Parquet, read by a TabularReader)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from codemill.application.datasets.labels import as_label, as_labels
from codemill.application.datasets.text_keys import content_id, text_key
from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.errors import InputError

_Row = Mapping[str, Any]
_Reader = Callable[[_Row], dict[str, Any] | str]  # Sample fields, or the reason the row is skipped


def samples_from_rows(
    rows: Iterable[_Row],
    task: TaskSpec,
    *,
    code_column: str,
    label_column: str | None = None,
    target_column: str | None = None,
) -> tuple[list[Sample], Counter[str]]:
    """The task's samples from rows holding code and a label or target, and skipped rows per reason.

    - generation takes its target from `target_column`; classification and
      security/binary their label from `label_column` (numbers become strings:
      Devign's `{func, target}` gives labels '0' and '1'); security/test_id and
      cwe read a list or a comma-separated string there (none: no labels);
    - rows without code are skipped ('empty_code'), rows without a label or
      target ('missing_label', 'missing_target');
    - a sample's id is the sha256 of its code (the n-th repeat of the same code
      gets '-n' appended, so ids stay unique), its group its id, and its
      cluster the hash of its whitespace-normalized code, so that copies of
      one function always share a split.
    Raises InputError, before reading a row, when the task's column is not given.
    """
    read = _reader(task, label_column, target_column)
    samples: list[Sample] = []
    skipped: Counter[str] = Counter()
    repeats: Counter[str] = Counter()
    for row in rows:
        code = row.get(code_column)
        if not isinstance(code, str) or not code.strip():
            skipped["empty_code"] += 1
            continue
        outcome = read(row)
        if isinstance(outcome, str):
            skipped[outcome] += 1
            continue
        digest = content_id(code)
        sample_id = f"{digest}-{repeats[digest]}" if repeats[digest] else digest
        repeats[digest] += 1
        samples.append(Sample(id=sample_id, text=code, group=sample_id, cluster=text_key(code), **outcome))
    return samples, skipped


def _reader(task: TaskSpec, label_column: str | None, target_column: str | None) -> _Reader:
    if task.task is TaskType.GENERATION:
        target = _required(target_column, "target_column", "the text to generate", task)
        return lambda row: _field("target", as_label(row.get(target)), "missing_target")
    label = _required(label_column, "label_column", "the labels", task)
    if task.task is TaskType.SECURITY and task.effective_subtask in {"test_id", "cwe"}:
        return lambda row: {"labels": as_labels(row.get(label))}
    return lambda row: _field("label", as_label(row.get(label)), "missing_label")


def _field(name: str, value: str | None, missing: str) -> dict[str, Any] | str:
    return missing if value is None else {name: value}


def _required(column: str | None, option: str, holds: str, task: TaskSpec) -> str:
    if not column:
        raise InputError(f"a {task.task} dataset from a file needs {option}: the column holding {holds}")
    return column
