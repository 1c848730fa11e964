"""What a model must fit: the kind of task (read from the dataset), the tokenizer, the labels."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.errors import InputError

TaskKind = Literal["seq2seq", "single_label", "multi_label"]
LABEL_COLUMN: dict[TaskKind, str] = {"seq2seq": "target", "single_label": "label", "multi_label": "labels"}


def task_kind(task: TaskSpec, columns: Collection[str]) -> TaskKind:
    """Generation -> seq2seq (needs `target`); otherwise `labels` -> multi-label, `label` -> single-label."""
    if task.task is TaskType.GENERATION:
        kind: TaskKind = "seq2seq"
    elif "labels" in columns:
        kind = "multi_label"
    else:
        kind = "single_label"
    if LABEL_COLUMN[kind] not in columns:
        raise InputError(
            f"a {task.task} dataset needs a {LABEL_COLUMN[kind]!r} column, found {sorted(columns)}; "
            "rebuild it with codemill dataset build"
        )
    return kind


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelNeeds:
    """The task kind, the tokenizer's size and special ids, and the label names (classification)."""

    kind: TaskKind
    vocab_size: int
    label_names: tuple[str, ...] = ()
    max_input_length: int = 512
    pad_token_id: int = 0
    bos_token_id: int = 1
    eos_token_id: int = 2
    revision: str | None = None  # the hub commit or tag to load a hub name at (None: unpinned)
