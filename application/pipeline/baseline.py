"""The score of a trivial baseline on a dataset's test split, for the pipeline report to beat."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from codemill.domain import evaluation_metrics as em
from codemill.domain.baselines import name_as_summary
from codemill.domain.dataset import Sample, TaskSpec, TaskType


@dataclass(frozen=True, kw_only=True)
class BaselineScore:
    name: str  # what the baseline does, in words
    metrics: dict[str, float]
    samples: int


def baseline_score(task: TaskSpec, train: Iterable[Sample], test: Iterable[Sample]) -> BaselineScore | None:
    """Summarization: the defined name split into words; name prediction: the first identifier;
    classification and security: the most frequent training label. None for multi-label tasks."""
    tests = list(test)
    if task.task is TaskType.GENERATION:
        references = [s.target or "" for s in tests]
        if task.effective_subtask == "name":
            predictions = ["" for _ in tests]
            described = "predict nothing"
        else:
            predictions = [name_as_summary(s.text) for s in tests]
            described = "the function name split into words"
        return BaselineScore(
            name=described,
            metrics={
                "bleu4": em.smoothed_bleu4(references, predictions),
                "exact_match": em.exact_match(references, predictions),
                "token_f1": em.token_f1(references, predictions),
            },
            samples=len(tests),
        )
    if any(s.labels for s in tests):
        return None
    counts = Counter(s.label for s in train if s.label is not None)
    if not counts or not tests:
        return None
    majority = counts.most_common(1)[0][0]
    names = sorted({*counts, *(s.label for s in tests if s.label is not None)})
    index = {name: i for i, name in enumerate(names)}
    truth = [index[s.label] for s in tests if s.label is not None]
    predicted = [index[majority]] * len(truth)
    return BaselineScore(
        name=f"always '{majority}' (the most frequent training label)",
        metrics={
            "accuracy": em.accuracy(truth, predicted),
            "macro_f1": em.macro_f1(truth, predicted, labels=range(len(names))),
            "mcc": em.mcc(truth, predicted),
        },
        samples=len(truth),
    )
