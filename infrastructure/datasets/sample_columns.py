"""Samples <-> dataset columns: which columns a task has, their features, and the conversions both ways."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.errors import InputError

SCHEMA_VERSION = 1
MULTI_LABEL_SUBTASKS = frozenset({"test_id", "cwe"})
_LEADING = ("id", "text")
_TRAILING = ("group", "cluster", "language")


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    """The columns of one task's dataset; `label_field` is 'target', 'label' or 'labels'."""

    label_field: str
    label_names: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (*_LEADING, self.label_field, *_TRAILING)

    @property
    def label2id(self) -> dict[str, int]:
        return {name: index for index, name in enumerate(self.label_names)}


def layout_for(task: TaskSpec, label_names: Sequence[str]) -> ColumnLayout:
    """Generation keeps `target`; multi-label security keeps `labels`; the others keep `label`."""
    if task.task is TaskType.GENERATION:
        return ColumnLayout("target")
    field = (
        "labels"
        if task.task is TaskType.SECURITY and task.effective_subtask in MULTI_LABEL_SUBTASKS
        else "label"
    )
    names = tuple(label_names)
    if not names:
        raise InputError(f"a {task.task} dataset needs its label names")
    if len(set(names)) != len(names):
        raise InputError(f"label names must be unique, got {list(names)}")
    return ColumnLayout(field, names)


def features(layout: ColumnLayout) -> Any:
    """The `datasets.Features` of the layout: strings, a ClassLabel, or a sequence of ClassLabel."""
    from datasets import ClassLabel, Features, Sequence, Value

    label: Any = {
        "target": Value("string"),
        "label": ClassLabel(names=list(layout.label_names)),
        "labels": Sequence(ClassLabel(names=list(layout.label_names))),
    }[layout.label_field]
    return Features(
        {name: label if name == layout.label_field else Value("string") for name in layout.columns}
    )


def to_columns(samples: Iterable[Sample], layout: ColumnLayout) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [] for name in layout.columns}
    label2id = layout.label2id
    for sample in samples:
        for name in layout.columns:
            value = getattr(sample, name)
            if name == "label":
                value = _label_id(sample, value, label2id)
            elif name == "labels":
                value = [_label_id(sample, label, label2id) for label in value]
            columns[name].append(value)
    return columns


def to_sample(row: Mapping[str, Any], label_names: Sequence[str]) -> Sample:
    """A sample from a stored row, ClassLabel ids turned back into names."""
    label, labels = row.get("label"), row.get("labels") or ()
    return Sample(
        id=row["id"],
        text=row["text"],
        target=row.get("target"),
        label=None if label is None else label_names[label],
        labels=tuple(label_names[index] for index in labels),
        group=row.get("group") or "",
        cluster=row.get("cluster") or "",
        language=row.get("language") or "",
    )


def _label_id(sample: Sample, label: str | None, label2id: Mapping[str, int]) -> int:
    if label is None or label not in label2id:
        raise InputError(f"sample {sample.id!r} has label {label!r}, which is not among the label names")
    return label2id[label]
