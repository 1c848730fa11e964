"""What a prediction log measures about one model input."""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN_LANGUAGE = "unknown"  # code whose language the guess could not tell


@dataclass(frozen=True, slots=True, kw_only=True)
class InputFeatures:
    """One input as drift monitoring sees it.

    `tokens`: its length in the model's tokenizer (special tokens included,
    never truncated); `language`: a guessed language name or 'unknown';
    `complexity`: cyclomatic complexity where it is cheap to measure (None
    elsewhere); `oov_rate`: the share of its tokens that are the
    tokenizer's unknown token (0.0 for byte-level tokenizers, which have none).
    """

    tokens: int
    language: str
    complexity: float | None
    oov_rate: float
