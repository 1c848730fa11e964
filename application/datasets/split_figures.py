"""What BuildDataset measures on its splits: label names and counts, token lengths, overlaps, plots."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from codemill.application.datasets.decontamination import OverlapReport
from codemill.application.datasets.length_stats import length_summary
from codemill.application.datasets.summary import SplitOverlap, TokenLengths
from codemill.domain.dataset import SPLITS, Sample, TaskSpec, TaskType
from codemill.domain.errors import InputError
from codemill.domain.ports.plotter import Plotter
from codemill.domain.ports.tokenizers import TextTokenizer


def label_names_of(task: TaskSpec, samples: Sequence[Sample]) -> tuple[str, ...]:
    """Every label of a classification or security task, sorted; a single class is an error."""
    if task.task is TaskType.GENERATION:
        return ()
    names = {s.label for s in samples if s.label is not None} | {x for s in samples for x in s.labels}
    if task.task is TaskType.CLASSIFICATION and len(names) < 2:
        raise InputError(f"classification needs at least 2 classes; every sample is {sorted(names)}")
    return tuple(sorted(names))


def label_counts(splits: Mapping[str, Sequence[Sample]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name in SPLITS:
        counter = Counter(s.label for s in splits[name] if s.label is not None)
        counter.update(x for s in splits[name] for x in s.labels)
        counts[name] = dict(sorted(counter.items()))
    return counts


def token_lengths(
    tokenizer: TextTokenizer, splits: Mapping[str, Sequence[Sample]], max_input: int, max_target: int
) -> TokenLengths:
    every = [s for name in SPLITS for s in splits[name]]
    inputs = length_summary(tokenizer.lengths([s.text for s in every]), max_input)
    targets = [s.target for s in every if s.target]
    if not targets:
        return TokenLengths(input=inputs)
    return TokenLengths(input=inputs, target=length_summary(tokenizer.lengths(targets), max_target))


def split_overlaps(report: OverlapReport) -> dict[str, SplitOverlap]:
    return {
        split: SplitOverlap(exact=counts["exact"] or 0, near=counts["near"])
        for split, counts in report.items()
    }


def length_plots(
    plotter: Plotter, tokenizer: TextTokenizer, train: Sequence[Sample], max_input: int, max_target: int
) -> dict[str, bytes]:
    """Histograms of the train split's input (and target) token lengths, by file name."""
    plots = {
        "input_lengths.png": plotter.histogram(
            tokenizer.lengths([s.text for s in train]),
            title="Input tokens per sample (train)",
            xlabel="tokens",
            limit=max_input,
        )
    }
    targets = [s.target for s in train if s.target]
    if targets:
        plots["target_lengths.png"] = plotter.histogram(
            tokenizer.lengths(targets),
            title="Target tokens per sample (train)",
            xlabel="tokens",
            limit=max_target,
        )
    return plots
