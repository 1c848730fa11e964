"""Calibration of classifiers in plain Python: softmax, ECE over equal-width bins, temperature scaling.

A classifier is calibrated when, among the samples it gives confidence p,
a share p is right. The expected calibration error (ECE) measures the gap:
the confidences are sorted into `bins` equal-width bins over [0, 1] (a
confidence of exactly 0 goes into the first bin, the upper edge of each bin
is inclusive), and ECE = sum over bins of (n_bin / n) * |accuracy_bin -
mean confidence_bin|. Temperature scaling divides every logit by one T > 0
fitted on held-out data by minimising the negative log-likelihood (NLL):
T > 1 softens an over-confident model, T < 1 sharpens an under-confident one;
the predicted class never changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

ECE_BINS = 15
_GOLDEN = (math.sqrt(5) - 1) / 2
_LOG_T_RANGE = (math.log(0.05), math.log(20.0))
_TOLERANCE = 1e-4  # on log T


@dataclass(frozen=True, slots=True, kw_only=True)
class ReliabilityBin:
    """One confidence bin: its edges, how many samples fell in, their accuracy and mean confidence."""

    lower: float
    upper: float
    count: int
    accuracy: float
    confidence: float


def softmax(logits: Sequence[float], temperature: float = 1.0) -> list[float]:
    """Class probabilities of one sample's logits divided by `temperature` (numerically stable)."""
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    scaled = [value / temperature for value in logits]
    top = max(scaled)
    exps = [math.exp(value - top) for value in scaled]
    total = sum(exps)
    return [value / total for value in exps]


def confidences_and_hits(
    logits: Sequence[Sequence[float]], labels: Sequence[int], temperature: float = 1.0
) -> tuple[list[float], list[bool]]:
    """Per sample: the top class probability, and whether the top class is the true one."""
    _same_length(logits, labels)
    confidences, hits = [], []
    for row, label in zip(logits, labels, strict=True):
        probabilities = softmax(row, temperature)
        predicted = max(range(len(probabilities)), key=probabilities.__getitem__)
        confidences.append(probabilities[predicted])
        hits.append(predicted == label)
    return confidences, hits


def reliability_bins(
    confidences: Sequence[float], hits: Sequence[bool], bins: int = ECE_BINS
) -> list[ReliabilityBin]:
    """`bins` equal-width bins over [0, 1]; bin i holds confidences in (i/bins, (i+1)/bins] (0 in bin 0)."""
    _same_length(confidences, hits)
    if bins < 1:
        raise ValueError("bins must be >= 1")
    members: list[list[int]] = [[] for _ in range(bins)]
    for index, confidence in enumerate(confidences):
        members[_bin_of(confidence, bins)].append(index)
    result = []
    for number, indices in enumerate(members):
        count = len(indices)
        result.append(
            ReliabilityBin(
                lower=number / bins,
                upper=(number + 1) / bins,
                count=count,
                accuracy=sum(hits[i] for i in indices) / count if count else 0.0,
                confidence=sum(confidences[i] for i in indices) / count if count else 0.0,
            )
        )
    return result


def expected_calibration_error(
    confidences: Sequence[float], hits: Sequence[bool], bins: int = ECE_BINS
) -> float:
    """ECE in [0, 1] over `bins` equal-width bins; 0 for no samples."""
    total = len(confidences)
    if total == 0:
        return 0.0
    return sum(
        b.count / total * abs(b.accuracy - b.confidence) for b in reliability_bins(confidences, hits, bins)
    )


def negative_log_likelihood(
    logits: Sequence[Sequence[float]], labels: Sequence[int], temperature: float = 1.0
) -> float:
    """Mean -log p(true class) after dividing the logits by `temperature`; 0 for no samples."""
    _same_length(logits, labels)
    if not logits:
        return 0.0
    total = 0.0
    for row, label in zip(logits, labels, strict=True):
        scaled = [value / temperature for value in row]
        top = max(scaled)
        log_sum = top + math.log(sum(math.exp(value - top) for value in scaled))
        total += log_sum - scaled[label]
    return total / len(logits)


def fit_temperature(logits: Sequence[Sequence[float]], labels: Sequence[int]) -> float:
    """The T in [0.05, 20] that minimises the NLL of `logits / T` (1.0 for no samples).

    The NLL is convex in 1/T, hence unimodal in log T: a golden-section
    search over log T finds the minimum to a relative precision of 1e-4.
    """
    if not logits:
        return 1.0

    def loss(log_t: float) -> float:
        return negative_log_likelihood(logits, labels, math.exp(log_t))

    low, high = _LOG_T_RANGE
    left, right = high - _GOLDEN * (high - low), low + _GOLDEN * (high - low)
    loss_left, loss_right = loss(left), loss(right)
    while high - low > _TOLERANCE:
        if loss_left <= loss_right:
            high, right, loss_right = right, left, loss_left
            left = high - _GOLDEN * (high - low)
            loss_left = loss(left)
        else:
            low, left, loss_left = left, right, loss_right
            right = low + _GOLDEN * (high - low)
            loss_right = loss(right)
    return math.exp((low + high) / 2)


def _bin_of(confidence: float, bins: int) -> int:
    return min(bins - 1, max(0, math.ceil(confidence * bins) - 1))


def _same_length(first: Sequence[object], second: Sequence[object]) -> None:
    if len(first) != len(second):
        raise ValueError(f"scores and labels differ in length: {len(first)} != {len(second)}")
