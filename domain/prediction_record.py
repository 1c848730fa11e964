"""One logged prediction: when, which model, what the input looked like, and what the model said."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codemill.domain.input_features import InputFeatures
from codemill.domain.prediction import Prediction


@dataclass(frozen=True, slots=True, kw_only=True)
class PredictionRecord:
    """One input of an answered batch, as the prediction log stores it (no code, only its features).

    `label` is the predicted label (labels joined by ',' for multi-label,
    'none' when no label reached the threshold; None for generators);
    `output_length` is a generation's length in tokens (None for
    classifiers); `confidence` the highest probability (None for
    generators); `latency_ms` the model time of the batch the input ran in.
    """

    time: float  # seconds since the epoch
    model: str
    version: int | None
    fingerprint: str
    tokens: int
    language: str
    complexity: float | None
    oov_rate: float
    label: str | None
    output_length: int | None
    confidence: float | None
    latency_ms: float | None

    def value(self, feature: str) -> Any:
        """The value of a monitored feature (see domain.drift.FEATURES) by its name."""
        return getattr(self, feature)


def label_of(prediction: Prediction) -> str | None:
    """The label a classifier predicted ('a,b' for several, 'none' for none); None for a generation."""
    if prediction.text is not None:
        return None
    return ",".join(prediction.counted_labels())


def confidence_of(prediction: Prediction) -> float | None:
    """The highest probability of a classifier's answer; None for a generation."""
    if prediction.text is not None or not prediction.probabilities:
        return None
    return max(prediction.probabilities.values())


def record_of(
    *,
    time: float,
    model: str,
    version: int | None,
    fingerprint: str,
    features: InputFeatures,
    prediction: Prediction,
    output_length: int | None,
    latency_ms: float | None,
) -> PredictionRecord:
    """The record of one input: its features next to what the model answered for it."""
    return PredictionRecord(
        time=time,
        model=model,
        version=version,
        fingerprint=fingerprint,
        tokens=features.tokens,
        language=features.language,
        complexity=features.complexity,
        oov_rate=features.oov_rate,
        label=label_of(prediction),
        output_length=output_length,
        confidence=confidence_of(prediction),
        latency_ms=latency_ms,
    )
