"""compute_metrics for the Trainer: model outputs -> the domain's evaluation metrics."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from transformers import EvalPrediction, PreTrainedTokenizerBase

from codemill.domain import evaluation_metrics as em
from codemill.infrastructure.training.encoding import IGNORED_LABEL
from codemill.infrastructure.training.model_needs import TaskKind

MetricsFunction = Callable[[EvalPrediction], dict[str, float]]
METRICS: Mapping[TaskKind, tuple[str, ...]] = {
    "single_label": ("loss", "accuracy", "macro_f1", "mcc"),
    "multi_label": ("loss", "accuracy", "micro_f1", "macro_f1"),
    "seq2seq": ("loss", "bleu4", "exact_match", "token_f1"),
}
_TIMINGS = frozenset({"runtime", "samples_per_second", "steps_per_second", "epoch"})


def metrics_function(kind: TaskKind, tokenizer: PreTrainedTokenizerBase) -> MetricsFunction:
    """The task's metrics (named in METRICS, 'loss' aside, which the Trainer adds)."""
    if kind == "seq2seq":
        return lambda prediction: _generation(prediction, tokenizer)
    if kind == "multi_label":
        return _multi_label
    return _single_label


def unprefixed(metrics: Mapping[str, float], prefix: str) -> dict[str, float]:
    """`{prefix}_name` values as `name`, timings left out: {'loss': ..., 'accuracy': ...}."""
    start = f"{prefix}_"
    return {
        key.removeprefix(start): float(value)
        for key, value in metrics.items()
        if key.startswith(start) and key.removeprefix(start) not in _TIMINGS
    }


def _single_label(prediction: EvalPrediction) -> dict[str, float]:
    predicted = np.argmax(_first(prediction.predictions), axis=-1).tolist()
    truth = np.asarray(prediction.label_ids).reshape(-1).tolist()
    return {
        "accuracy": em.accuracy(truth, predicted),
        "macro_f1": em.macro_f1(truth, predicted),
        "mcc": em.mcc(truth, predicted),
    }


def _multi_label(prediction: EvalPrediction) -> dict[str, float]:
    predicted = (_first(prediction.predictions) > 0).astype(int).tolist()  # sigmoid > 0.5
    truth = (np.asarray(prediction.label_ids) > 0.5).astype(int).tolist()
    micro, macro = em.multilabel_f1(truth, predicted)
    rows_equal = em.accuracy([tuple(row) for row in truth], [tuple(row) for row in predicted])
    return {"accuracy": rows_equal, "micro_f1": micro, "macro_f1": macro}


def _generation(prediction: EvalPrediction, tokenizer: PreTrainedTokenizerBase) -> dict[str, float]:
    predicted = _decode(_first(prediction.predictions), tokenizer)
    references = _decode(np.asarray(prediction.label_ids), tokenizer)
    return {
        "bleu4": em.smoothed_bleu4(references, predicted),
        "exact_match": em.exact_match(references, predicted),
        "token_f1": em.token_f1(references, predicted),
    }


def _decode(ids: np.ndarray, tokenizer: PreTrainedTokenizerBase) -> list[str]:
    """Token ids (padded with -100 between batches) -> texts without special tokens."""
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    clean = np.where(ids == IGNORED_LABEL, pad, ids)
    texts: list[str] = tokenizer.batch_decode(clean.tolist(), skip_special_tokens=True)
    return [text.strip() for text in texts]


def _first(outputs: Any) -> np.ndarray:
    """The logits or generated ids: the first element when a model returns a tuple."""
    return np.asarray(outputs[0] if isinstance(outputs, tuple) else outputs)
