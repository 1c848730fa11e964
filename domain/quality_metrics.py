"""A task's quality metrics over a split's predictions (classification and generation)."""

from __future__ import annotations

from collections.abc import Sequence

from codemill.domain import evaluation_metrics as em
from codemill.domain.calibration import negative_log_likelihood
from codemill.domain.code_metrics import SyntaxScoring, code_metrics
from codemill.domain.errors import InputError
from codemill.domain.validation import SplitPredictions


def argmax_rows(logits: Sequence[Sequence[float]]) -> list[int]:
    return [max(range(len(row)), key=row.__getitem__) for row in logits]


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], classes: int) -> list[list[int]]:
    """counts[true][predicted] over `classes` classes."""
    counts = [[0] * classes for _ in range(classes)]
    for truth, guess in zip(y_true, y_pred, strict=True):
        counts[truth][guess] += 1
    return counts


def quality_metrics(predictions: SplitPredictions, syntax: SyntaxScoring | None = None) -> dict[str, float]:
    """The task's metrics, as TrainModel reports them.

    - single-label: accuracy, macro_f1 (over every class of the head), mcc, loss (NLL);
    - multi-label (a class is on when its logit is > 0): accuracy (all labels right), micro_f1, macro_f1;
    - generation: bleu4 (smoothed BLEU-4, 0-100), exact_match, token_f1; with `syntax` (the target is
      code) also ast_validity and ngram_similarity (`code_metrics`), which need each sample's language.
    """
    if predictions.kind == "seq2seq":
        refs, hyps = predictions.references, predictions.predictions
        if syntax is None:
            return em.generation_metrics(refs, hyps)
        if len(predictions.languages) != len(hyps):
            raise InputError(
                f"the {predictions.split} split has no language for each sample, which AST validity needs: "
                "rebuild the dataset with codemill dataset build"
            )
        return code_metrics(refs, hyps, predictions.languages, syntax)
    if predictions.kind == "multi_label":
        guessed = [[int(value > 0) for value in row] for row in predictions.logits]
        truth = [list(row) for row in predictions.label_rows]
        micro, macro = em.multilabel_f1(truth, guessed)
        rows_equal = em.accuracy([tuple(r) for r in truth], [tuple(r) for r in guessed])
        return {"accuracy": rows_equal, "micro_f1": micro, "macro_f1": macro}
    guessed_ids = argmax_rows(predictions.logits)
    classes = range(len(predictions.logits[0])) if predictions.logits else range(0)
    truth_ids = list(predictions.labels)
    return {
        "accuracy": em.accuracy(truth_ids, guessed_ids),
        "macro_f1": em.macro_f1(truth_ids, guessed_ids, labels=classes),
        "mcc": em.mcc(truth_ids, guessed_ids),
        "loss": negative_log_likelihood(predictions.logits, truth_ids),
    }
