"""Task datasets: what a sample is, which tasks exist, and how splits are asked for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from codemill.domain.errors import InputError


class TaskType(StrEnum):
    GENERATION = "generation"  # code -> text (summarize, name) or code (assertion, body)
    CLASSIFICATION = "classification"  # code -> one label from a corpus field or a user column
    SECURITY = "security"  # code -> vulnerable/clean, or bandit test ids / CWEs (multi-label)


SPLITS = ("train", "validation", "test")
CODE_TARGETS = frozenset({"assertion", "body"})  # generation subtasks whose target is code
# Stands where the target was cut out of the input (the tokenizers' mask token); not a secret.
MASK_TOKEN = "<mask>"  # noqa: S105  # nosec B105  # the mask token, not a secret


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """One example of a task dataset.

    `group` keys the leakage-free split (every sample of one source file, or
    one repository, lands in one split); `cluster` is the near-duplicate
    cluster, kept together too.
    """

    id: str
    text: str  # the model input: code
    target: str | None = None  # generation target
    label: str | None = None  # classification / binary security label
    labels: tuple[str, ...] = ()  # multi-label security
    group: str = ""
    cluster: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskSpec:
    """Which task to build and how its labels or targets are derived.

    - generation: subtask 'summarize' (default: code -> the docstring's
      summary), 'name' (code with its name masked -> the name), 'assertion'
      (a test with one assertion masked, plus the tested function -> the
      assertion) or 'body' (signature and docstring -> the body); the last
      two have code as their target (`target_is_code`);
    - classification: `label_field` names the corpus field or user column
      (default 'language');
    - security: subtask 'binary' (default), 'test_id' or 'cwe' (multi-label);
      `balance` down-samples the majority class to at most that many times
      the minority (binary only).
    """

    task: TaskType
    subtask: str = ""
    label_field: str = ""
    balance: float | None = None

    def __post_init__(self) -> None:
        allowed = {
            TaskType.GENERATION: {"", "summarize", "name", *CODE_TARGETS},
            TaskType.CLASSIFICATION: {""},
            TaskType.SECURITY: {"", "binary", "test_id", "cwe"},
        }[self.task]
        if self.subtask not in allowed:
            choices = ", ".join(sorted(a for a in allowed if a)) or "none"
            raise InputError(f"task {self.task} has no subtask {self.subtask!r} (choices: {choices})")
        if self.balance is not None and self.balance < 1:
            raise InputError(f"balance must be at least 1 (majority : minority), got {self.balance}")

    @property
    def effective_subtask(self) -> str:
        defaults = {
            TaskType.GENERATION: "summarize",
            TaskType.SECURITY: "binary",
            TaskType.CLASSIFICATION: "",
        }
        return self.subtask or defaults[self.task]

    @property
    def title(self) -> str:
        """How a summary names the task: 'generation/summarize', 'classification of complexity_rank'."""
        if self.task is TaskType.CLASSIFICATION:
            return f"classification of {self.label_field or 'language'}"
        return f"{self.task}/{self.effective_subtask}"

    @property
    def target_is_code(self) -> bool:
        """The target is source code, scored for syntax too (AST validity)."""
        return self.task is TaskType.GENERATION and self.effective_subtask in CODE_TARGETS


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitConfig:
    """Ratios of train/validation/test (summing to 1), the seed, and the grouping key."""

    train: float = 0.8
    validation: float = 0.1
    test: float = 0.1
    seed: int = 42
    group_by: str = "file"  # 'file' or 'repository'

    def __post_init__(self) -> None:
        ratios = (self.train, self.validation, self.test)
        if any(r < 0 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-6:
            raise InputError(f"split ratios must be >= 0 and sum to 1, got {ratios}")
        if self.train == 0:
            raise InputError("the train split cannot be empty: give it a ratio above 0")
        if self.group_by not in {"file", "repository"}:
            raise InputError(f"group_by must be 'file' or 'repository', got {self.group_by!r}")

    def ratio(self, split: str) -> float:
        return {"train": self.train, "validation": self.validation, "test": self.test}[split]
