"""The decision threshold of a binary classifier that maximises the Matthews correlation (MCC)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class ThresholdChoice:
    """The chosen threshold with its MCC, and the MCC at the default threshold 0.5 for comparison."""

    threshold: float
    mcc: float
    default_mcc: float
    candidates: int


def binary_mcc(tp: int, fp: int, fn: int, tn: int) -> float:
    """MCC of a 2x2 confusion matrix; 0 when a row or column is empty."""
    denominator = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    return (tp * tn - fp * fn) / math.sqrt(denominator) if denominator else 0.0


def mcc_at(scores: Sequence[float], labels: Sequence[int], threshold: float) -> float:
    """MCC when a sample is called positive exactly when its score is >= `threshold`."""
    _same_length(scores, labels)
    tp = sum(s >= threshold and y == 1 for s, y in zip(scores, labels, strict=True))
    fp = sum(s >= threshold and y != 1 for s, y in zip(scores, labels, strict=True))
    positives = sum(y == 1 for y in labels)
    return binary_mcc(tp, fp, positives - tp, len(labels) - positives - fp)


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> ThresholdChoice:
    """Sweep every threshold that changes a decision; keep the one with the highest MCC.

    `scores` are probabilities of the positive class (label 1). Candidates
    are 0.5 and the midpoints between consecutive distinct scores; ties go
    to the candidate closest to 0.5. Runs in O(n log n).
    """
    _same_length(scores, labels)
    default = mcc_at(scores, labels, DEFAULT_THRESHOLD)
    distinct = sorted(set(scores), reverse=True)
    candidates = sorted(
        {DEFAULT_THRESHOLD, *((a + b) / 2 for a, b in itertools.pairwise(distinct))},
        reverse=True,
    )
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: pair[0], reverse=True)
    positives = sum(y == 1 for y in labels)
    negatives = len(labels) - positives
    best = (default, 0.0, DEFAULT_THRESHOLD)
    tp = fp = cursor = 0
    for threshold in candidates:
        while cursor < len(ranked) and ranked[cursor][0] >= threshold:
            tp, fp = (tp + 1, fp) if ranked[cursor][1] == 1 else (tp, fp + 1)
            cursor += 1
        score = binary_mcc(tp, fp, positives - tp, negatives - fp)
        key = (score, -abs(threshold - DEFAULT_THRESHOLD), threshold)
        best = max(best, key)
    return ThresholdChoice(threshold=best[2], mcc=best[0], default_mcc=default, candidates=len(candidates))


def _same_length(first: Sequence[object], second: Sequence[object]) -> None:
    if len(first) != len(second):
        raise ValueError(f"scores and labels differ in length: {len(first)} != {len(second)}")
