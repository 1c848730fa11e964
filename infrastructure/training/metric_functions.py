"""compute_metrics for the Trainer: model outputs -> the domain's evaluation metrics."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from transformers import EvalPrediction, PreTrainedTokenizerBase

from codemill.domain import evaluation_metrics as em
from codemill.domain.code_metrics import SyntaxScoring, code_metrics, syntax_scoring
from codemill.domain.dataset import TaskSpec
from codemill.domain.ports.syntax_checker import SyntaxChecker
from codemill.infrastructure.training.encoding import IGNORED_LABEL
from codemill.infrastructure.training.model_needs import TaskKind

MetricsFunction = Callable[[EvalPrediction], dict[str, float]]
METRICS: Mapping[TaskKind, tuple[str, ...]] = {
    "single_label": ("loss", "accuracy", "macro_f1", "mcc"),
    "multi_label": ("loss", "accuracy", "micro_f1", "macro_f1"),
    "seq2seq": ("loss", "bleu4", "exact_match", "token_f1"),
}
CODE_TARGET_METRICS = ("ast_validity", "ngram_similarity")  # seq2seq metrics of a target that is code
_TIMINGS = frozenset({"runtime", "samples_per_second", "steps_per_second", "epoch"})


def measured(kind: TaskKind, code_target: bool = False) -> tuple[str, ...]:
    """The metrics an evaluation reports (the ones a run may monitor)."""
    return METRICS[kind] + (CODE_TARGET_METRICS if kind == "seq2seq" and code_target else ())


class CodeTargetScoring:
    """The code metrics of one run's evaluations: each sample's language, split by split.

    The Trainer's `compute_metrics` sees predictions only, not which split
    they came from: `evaluating(split)` says which split the next evaluations
    score ('validation' until told otherwise, as during training).
    """

    def __init__(self, syntax: SyntaxScoring, languages: Mapping[str, Sequence[str]]) -> None:
        self._syntax = syntax
        self._languages = {split: tuple(names) for split, names in languages.items()}
        self._split = "validation"

    def evaluating(self, split: str) -> None:
        self._split = split

    def metrics(self, references: Sequence[str], predictions: Sequence[str]) -> dict[str, float]:
        languages = self._languages.get(self._split, ())
        if len(languages) != len(predictions):
            raise ValueError(
                f"{len(predictions)} predictions on the {self._split} split but {len(languages)} languages"
            )
        return code_metrics(references, predictions, languages, self._syntax)


def code_target_scoring(
    task: TaskSpec,
    kind: TaskKind,
    languages: Mapping[str, Sequence[str]],
    checker: SyntaxChecker | None = None,
) -> CodeTargetScoring | None:
    """The code metrics of a generation task whose target is code, None for the others; `languages`
    as `EncodedSplits.languages`; the checker defaults to tree-sitter's."""
    if kind != "seq2seq" or not task.target_is_code:
        return None
    if checker is None:
        from codemill.infrastructure.parsing.tree_sitter_syntax_checker import TreeSitterSyntaxChecker

        checker = TreeSitterSyntaxChecker()
    syntax = syntax_scoring(task, checker)
    return None if syntax is None else CodeTargetScoring(syntax, languages)


def metrics_function(
    kind: TaskKind, tokenizer: PreTrainedTokenizerBase, code: CodeTargetScoring | None = None
) -> MetricsFunction:
    """The task's metrics (named in `measured`, 'loss' aside, which the Trainer adds); `code` adds the
    code metrics of a generation task whose target is code."""
    if kind == "seq2seq":
        return lambda prediction: _generation(prediction, tokenizer, code)
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


def _generation(
    prediction: EvalPrediction, tokenizer: PreTrainedTokenizerBase, code: CodeTargetScoring | None
) -> dict[str, float]:
    predicted = _decode(_first(prediction.predictions), tokenizer)
    references = _decode(np.asarray(prediction.label_ids), tokenizer)
    if code is not None:
        return code.metrics(references, predicted)
    return em.generation_metrics(references, predicted)


def _decode(ids: np.ndarray, tokenizer: PreTrainedTokenizerBase) -> list[str]:
    """Token ids (padded with -100 between batches) -> texts without special tokens."""
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    clean = np.where(ids == IGNORED_LABEL, pad, ids)
    texts: list[str] = tokenizer.batch_decode(clean.tolist(), skip_special_tokens=True)
    return [text.strip() for text in texts]


def _first(outputs: Any) -> np.ndarray:
    """The logits or generated ids: the first element when a model returns a tuple."""
    return np.asarray(outputs[0] if isinstance(outputs, tuple) else outputs)
