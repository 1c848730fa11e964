"""What one dataset build made: the typed form of a dataset's `stats.json`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codemill.domain.dataset import TaskSpec


@dataclass(frozen=True, kw_only=True)
class LengthSummary:
    """Token lengths of one field: count, mean (2 decimals), p50, p95 (nearest rank), max, and
    `truncated`: how many exceed the maximum length. Every value is 0 for no lengths."""

    count: int
    mean: float
    p50: int
    p95: int
    max: int
    truncated: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "mean": self.mean,
            "p50": self.p50,
            "p95": self.p95,
            "max": self.max,
            "truncated": self.truncated,
        }


@dataclass(frozen=True, kw_only=True)
class TokenLengths:
    """Token lengths over every split: of the inputs, and of the targets when the task has any."""

    input: LengthSummary
    target: LengthSummary | None = None

    def by_field(self) -> dict[str, LengthSummary]:
        """'input', then 'target' when there is one."""
        fields = {"input": self.input}
        if self.target is not None:
            fields["target"] = self.target
        return fields


@dataclass(frozen=True, kw_only=True)
class DatasetSource:
    """Where the samples came from: a corpus name or a user's file (exactly one), and the sha256 of
    that corpus's manifest (or the file's fingerprint), for lineage."""

    manifest_sha256: str
    corpus: str | None = None
    file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        origin = {"corpus": self.corpus} if self.corpus is not None else {"file": self.file}
        return origin | {"manifest_sha256": self.manifest_sha256}


@dataclass(frozen=True, kw_only=True)
class TokenizerInfo:
    """The dataset's tokenizer: its name and vocabulary size."""

    name: str
    vocab_size: int
    revision: str | None = None  # the hub commit of a pretrained tokenizer, when known

    def to_dict(self) -> dict[str, Any]:
        revision = {"revision": self.revision} if self.revision is not None else {}
        return {"name": self.name, "vocab_size": self.vocab_size} | revision


@dataclass(frozen=True, kw_only=True)
class SplitOverlap:
    """One evaluation split's samples that also appear in train: exact copies (must be 0) and near
    duplicates (None when no near-duplicate check ran)."""

    exact: int
    near: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"exact": self.exact, "near": self.near}


@dataclass(frozen=True, kw_only=True)
class DatasetSummary:
    """Everything one dataset build counted; `to_dict()` is the dataset's `stats.json`.

    `skipped` (reason -> units or rows) and each split's `labels` (label ->
    samples) are sorted by key; `splits` and `labels` follow train,
    validation, test; `decontamination` holds validation and test.
    """

    task: TaskSpec
    source: DatasetSource
    samples: int
    skipped: Mapping[str, int]
    balance_dropped: int  # majority-class train samples dropped by --balance
    splits: Mapping[str, int]  # split -> samples
    labels: Mapping[str, Mapping[str, int]]  # split -> label -> samples
    decontamination: Mapping[str, SplitOverlap]  # evaluation split -> its overlap with train
    tokenizer: TokenizerInfo
    tokens: TokenLengths
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form, key for key the layout of `stats.json`."""
        return {
            "task": dataclasses.asdict(self.task) | {"subtask": self.task.effective_subtask},
            "source": self.source.to_dict(),
            "samples": self.samples,
            "skipped": dict(self.skipped),
            "balance_dropped": self.balance_dropped,
            "splits": dict(self.splits),
            "labels": {split: dict(counts) for split, counts in self.labels.items()},
            "decontamination": {split: o.to_dict() for split, o in self.decontamination.items()},
            "tokenizer": self.tokenizer.to_dict(),
            "tokens": {name: lengths.to_dict() for name, lengths in self.tokens.by_field().items()},
            "seconds": self.seconds,
        }
