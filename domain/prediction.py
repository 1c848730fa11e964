"""What a served model answers for one input, and one answered batch as a prediction log sees it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

GENERATED = "generated"  # the label under which generations are counted
NO_LABEL = "none"  # a multi-label prediction with no label over the threshold


@dataclass(frozen=True, kw_only=True)
class Prediction:
    """One input's answer.

    Single-label classifiers set `label` and `probabilities` (every label,
    summing to 1); multi-label classifiers set `labels` (those at or over the
    threshold, possibly none) and `probabilities` (each label's own);
    generators set `text`.
    """

    label: str | None = None
    labels: tuple[str, ...] | None = None
    probabilities: Mapping[str, float] | None = None
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set, as JSON-ready values."""
        out: dict[str, Any] = {}
        if self.label is not None:
            out["label"] = self.label
        if self.labels is not None:
            out["labels"] = list(self.labels)
        if self.probabilities is not None:
            out["probabilities"] = dict(self.probabilities)
        if self.text is not None:
            out["text"] = self.text
        return out

    def counted_labels(self) -> tuple[str, ...]:
        """The labels a 'predictions by label' counter adds one to."""
        if self.text is not None:
            return (GENERATED,)
        if self.labels is not None:
            return self.labels or (NO_LABEL,)
        return (self.label,) if self.label is not None else (NO_LABEL,)


@dataclass(frozen=True, kw_only=True)
class PredictedBatch:
    """One batch the server answered: which model, the inputs, the predictions in the same order."""

    model: str
    version: int | None
    fingerprint: str
    inputs: tuple[str, ...]
    predictions: tuple[Prediction, ...]
    finished_at: float  # seconds since the epoch
    seconds: float  # time spent in the model
    folder: str = ""  # the local model folder that answered (its tokenizer measures the inputs)
