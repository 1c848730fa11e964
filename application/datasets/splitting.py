"""Leakage-free train/validation/test splits.

Samples linked by a group (a file or a repository), a near-duplicate cluster
or identical whitespace-normalized text form one component (union-find), and
a component is never cut. Components are shuffled with `random.Random(seed)`
(stratified: shuffled within each dominant label, strata laid end to end in
label order) and dealt out one by one to the split whose share is furthest
behind: the split with the largest deficit `ratio x samples dealt so far -
samples it holds`. Because the deficit is measured against the running
total, every stretch of the order, and so every stratum, is divided in
proportion to the ratios, within about one component's size. A split with a
nonzero ratio that ends up empty takes the smallest component of the split
with the largest surplus that holds two or more; when no split can give one,
the split cannot be made and InputError says so.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence

from codemill.application.datasets.components import connected_components
from codemill.domain.dataset import SPLITS, Sample, SplitConfig
from codemill.domain.errors import InputError


def split_samples(
    samples: Iterable[Sample], config: SplitConfig, *, stratify: bool
) -> dict[str, list[Sample]]:
    """Every sample in exactly one of 'train', 'validation', 'test', in input order within a split.

    Guarantees: no group, cluster or exact (whitespace-normalized) text is in
    two splits; the same input and seed give the same splits; every split with
    a nonzero ratio is non-empty, and one with a zero ratio is empty.
    Raises InputError when there are no samples, when single-label samples
    carry fewer than 2 distinct labels, or when the components are too few to
    fill every split with a nonzero ratio.
    """
    items = list(samples)
    if not items:
        raise InputError("no samples to split: the task produced none from this input")
    _require_two_classes(items)
    components = connected_components(items)
    rng = random.Random(config.seed)  # nosec B311  # seeded random for reproducible sampling, not cryptography
    order = _deal_order(components, items, stratify, rng)
    ratios = {split: config.ratio(split) for split in SPLITS if config.ratio(split) > 0}
    placed = _deal(order, components, ratios)
    _fill_empty_splits(placed, components, ratios, len(items))
    result: dict[str, list[Sample]] = {split: [] for split in SPLITS}
    for split, held in placed.items():
        result[split] = [items[i] for i in sorted(i for c in held for i in components[c])]
    return result


def _require_two_classes(samples: Sequence[Sample]) -> None:
    labels = Counter(s.label for s in samples if s.label is not None)
    if len(labels) == 1:
        only = next(iter(labels))
        raise InputError(
            f"single class: all {labels[only]} labelled samples are {only!r}; a classifier needs at least "
            "2 distinct labels (choose another label field or add data)"
        )


def _stratum(component: Sequence[int], samples: Sequence[Sample]) -> str:
    """The most common label key of the component's samples (ties: the smallest key)."""
    keys = Counter(_label_key(samples[i]) for i in component)
    return min(keys.items(), key=lambda item: (-item[1], item[0]))[0]


def _label_key(sample: Sample) -> str:
    return sample.label if sample.label is not None else "|".join(sample.labels)


def _deal_order(
    components: Sequence[Sequence[int]], samples: Sequence[Sample], stratify: bool, rng: random.Random
) -> list[int]:
    labelled = any(s.label is not None or s.labels for s in samples)
    if not (stratify and labelled):
        order = list(range(len(components)))
        rng.shuffle(order)
        return order
    strata: dict[str, list[int]] = {}
    for index, component in enumerate(components):
        strata.setdefault(_stratum(component, samples), []).append(index)
    order = []
    for key in sorted(strata):
        rng.shuffle(strata[key])
        order += strata[key]
    return order


def _deal(
    order: Sequence[int], components: Sequence[Sequence[int]], ratios: dict[str, float]
) -> dict[str, list[int]]:
    """Components per split, each given to the split with the largest running deficit."""
    held = dict.fromkeys(ratios, 0)
    placed: dict[str, list[int]] = {split: [] for split in ratios}
    dealt = 0
    for component in order:
        dealt += len(components[component])
        split = max(ratios, key=lambda s: ratios[s] * dealt - held[s])
        held[split] += len(components[component])
        placed[split].append(component)
    return placed


def _fill_empty_splits(
    placed: dict[str, list[int]], components: Sequence[Sequence[int]], ratios: dict[str, float], total: int
) -> None:
    for split in (s for s in ratios if not placed[s]):
        donors = [s for s in ratios if len(placed[s]) > 1]
        if not donors:
            raise InputError(
                f"the {split} split would be empty: {total} samples in {len(components)} groups cannot fill "
                f"{len(ratios)} splits; lower its ratio to 0 or add data"
            )
        surplus = {s: sum(len(components[c]) for c in placed[s]) - ratios[s] * total for s in donors}
        donor = max(donors, key=lambda s: surplus[s])
        smallest = min(placed[donor], key=lambda c: (len(components[c]), c))
        placed[donor].remove(smallest)
        placed[split].append(smallest)
