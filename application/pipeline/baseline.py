"""The score of a trivial baseline on a dataset's test split, for the pipeline report to beat."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from codemill.domain import evaluation_metrics as em
from codemill.domain.baselines import name_as_summary
from codemill.domain.code_baselines import describe_stubs, most_frequent_shape, stub_body
from codemill.domain.code_metrics import code_metrics, syntax_scoring
from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.ports.syntax_checker import SyntaxChecker


@dataclass(frozen=True, kw_only=True)
class BaselineScore:
    name: str  # what the baseline does, in words
    metrics: dict[str, float]
    samples: int


def baseline_score(
    task: TaskSpec, train: Iterable[Sample], test: Iterable[Sample], checker: SyntaxChecker
) -> BaselineScore | None:
    """Summarization: the defined name split into words; name prediction: nothing; assertion: the
    training split's most frequent assertion shape with the test's own local variable; body: a stub
    body per language ('pass', 'return null;', ...); classification and security: the most frequent
    training label. None for multi-label tasks.

    Generation reports bleu4, exact_match and token_f1; a target that is code adds ast_validity
    (through `checker`) and ngram_similarity, as training and validation report them.
    """
    tests = list(test)
    if task.task is TaskType.GENERATION:
        described, predictions = _generated(task, train, tests)
        references = [s.target or "" for s in tests]
        syntax = syntax_scoring(task, checker)
        metrics = (
            em.generation_metrics(references, predictions)
            if syntax is None
            else code_metrics(references, predictions, [s.language for s in tests], syntax)
        )
        return BaselineScore(name=described, metrics=metrics, samples=len(tests))
    return _majority_label(train, tests)


def _generated(task: TaskSpec, train: Iterable[Sample], tests: Sequence[Sample]) -> tuple[str, list[str]]:
    """What the baseline does, in words, and its prediction for each test sample."""
    subtask = task.effective_subtask
    if subtask == "name":
        return "predict nothing", ["" for _ in tests]
    if subtask == "body":
        stubs = describe_stubs([s.language for s in tests])
        return f"a stub body per language: {stubs}", [stub_body(s.language) for s in tests]
    if subtask == "assertion":
        shape = most_frequent_shape(s.target for s in train if s.target)
        if shape is None:
            return "predict nothing (no training assertion)", ["" for _ in tests]
        described = (
            f"the most frequent training assertion shape `{shape.template}`, its first <name> the test's "
            "last local variable assigned before the mask, every other slot its most frequent filler"
        )
        return described, [shape.instantiate(s.text) for s in tests]
    return "the function name split into words", [name_as_summary(s.text) for s in tests]


def _majority_label(train: Iterable[Sample], tests: Sequence[Sample]) -> BaselineScore | None:
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
