from __future__ import annotations

import random
from collections import Counter, defaultdict

import pytest

from codemill.application.datasets.splitting import split_samples
from codemill.application.datasets.text_keys import normalized_text
from codemill.domain.dataset import SPLITS, Sample, SplitConfig
from codemill.domain.errors import InputError


def random_samples(rng: random.Random, count: int, groups: int, *, labels: str = "") -> list[Sample]:
    """Samples in random groups; some share clusters across groups, some repeat text across groups."""
    samples = []
    for index in range(count):
        group = rng.randrange(groups)
        text = f"def f{index}():\n    return {index}\n"
        if rng.random() < 0.02:  # an exact copy (modulo layout) of some earlier sample, in another group
            text = "  " + samples[rng.randrange(len(samples))].text.replace("\n", " \n") if samples else text
        samples.append(
            Sample(
                id=f"s{index}",
                text=text,
                label=labels[group % len(labels)] if labels else None,
                group=f"g{group}",
                cluster=f"c{rng.randrange(count)}" if rng.random() < 0.03 else f"s{index}",
            )
        )
    return samples


def placement(splits: dict[str, list[Sample]]) -> dict[str, str]:
    return {sample.id: name for name, part in splits.items() for sample in part}


def assert_nothing_crosses(samples: list[Sample], splits: dict[str, list[Sample]]) -> None:
    where = placement(splits)
    assert sorted(where) == sorted(s.id for s in samples)  # each sample exactly once
    for key in ("group", "cluster", "text"):
        seen: defaultdict[str, set[str]] = defaultdict(set)
        for sample in samples:
            value = normalized_text(sample.text) if key == "text" else getattr(sample, key)
            seen[value].add(where[sample.id])
        assert all(len(places) == 1 for places in seen.values()), key


@pytest.mark.parametrize("seed", range(40))
def test_no_group_cluster_or_exact_copy_crosses_splits(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randrange(30, 300)
    samples = random_samples(rng, count, count // rng.randrange(2, 5), labels=("", "ab", "abc")[seed % 3])
    config = SplitConfig(train=0.7, validation=0.15, test=0.15, seed=seed)
    splits = split_samples(samples, config, stratify=seed % 2 == 0)
    assert_nothing_crosses(samples, splits)
    assert all(splits[name] for name in SPLITS)
    for part in splits.values():  # input order inside each split
        positions = [int(s.id[1:]) for s in part]
        assert positions == sorted(positions)


def test_ratios_are_met_on_1000_samples_in_300_groups() -> None:
    rng = random.Random(7)
    samples = [Sample(id=f"s{i}", text=f"x = {i}", group=f"g{rng.randrange(300)}") for i in range(1000)]
    for seed in range(5):
        splits = split_samples(samples, SplitConfig(seed=seed), stratify=False)
        sizes = {name: len(part) for name, part in splits.items()}
        assert abs(sizes["train"] - 800) <= 15 and abs(sizes["validation"] - 100) <= 15, sizes
        assert sum(sizes.values()) == 1000


def test_stratification_keeps_label_proportions() -> None:
    rng = random.Random(3)
    samples = []
    for index in range(1000):
        group = rng.randrange(300)
        label = "rare" if group % 10 == 0 else ("mid" if group % 10 < 4 else "common")
        samples.append(Sample(id=f"s{index}", text=f"y = {index}", label=label, group=f"g{group}"))
    overall = Counter(s.label for s in samples)
    splits = split_samples(samples, SplitConfig(seed=11), stratify=True)
    for name, part in splits.items():
        mix = Counter(s.label for s in part)
        for label, count in overall.items():
            assert abs(mix[label] / len(part) - count / 1000) < 0.06, (name, label, mix)


def test_same_seed_same_splits_other_seed_other_splits() -> None:
    samples = random_samples(random.Random(5), 200, 60, labels="xyz")
    first = placement(split_samples(samples, SplitConfig(seed=1), stratify=True))
    assert placement(split_samples(samples, SplitConfig(seed=1), stratify=True)) == first
    assert placement(split_samples(samples, SplitConfig(seed=2), stratify=True)) != first


def test_a_component_larger_than_a_split_and_a_zero_ratio() -> None:
    samples = [Sample(id=f"s{i}", text=f"z{i}", group="big" if i < 60 else f"g{i}") for i in range(100)]
    splits = split_samples(samples, SplitConfig(train=0.5, validation=0.0, test=0.5), stratify=False)
    assert splits["validation"] == []
    assert {s.group for s in splits["test"]}.isdisjoint({s.group for s in splits["train"]})
    assert all(splits[name] for name in ("train", "test"))


def test_an_empty_split_is_refilled_when_groups_allow() -> None:
    samples = [Sample(id=f"s{i}", text=f"t{i}", group="big" if i < 10 else f"g{i}") for i in range(12)]
    for seed in range(20):
        splits = split_samples(samples, SplitConfig(seed=seed), stratify=False)
        assert all(splits[name] for name in SPLITS)


def test_too_few_groups_for_the_splits() -> None:
    samples = [Sample(id=f"s{i}", text=f"t{i}", group="one" if i < 5 else "two") for i in range(10)]
    with pytest.raises(
        InputError, match=r"split would be empty: 10 samples in 2 groups cannot fill 3 splits"
    ):
        split_samples(samples, SplitConfig(), stratify=False)
    with pytest.raises(InputError, match="cannot fill 3 splits"):
        split_samples(samples[:2], SplitConfig(), stratify=False)
    with pytest.raises(InputError, match="no samples"):
        split_samples([], SplitConfig(), stratify=False)
    two = split_samples(samples, SplitConfig(train=0.5, validation=0.5, test=0.0), stratify=False)
    assert len(two["train"]) == len(two["validation"]) == 5


def test_single_class_is_refused() -> None:
    samples = [Sample(id=f"s{i}", text=f"t{i}", label="python", group=f"g{i}") for i in range(20)]
    with pytest.raises(InputError, match="single class"):
        split_samples(samples, SplitConfig(), stratify=True)
    unlabelled = [Sample(id=f"s{i}", text=f"t{i}", target="doc", group=f"g{i}") for i in range(20)]
    assert sum(map(len, split_samples(unlabelled, SplitConfig(), stratify=True).values())) == 20
