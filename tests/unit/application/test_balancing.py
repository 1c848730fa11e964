from __future__ import annotations

from collections import Counter

import pytest

from codemill.application.datasets.balancing import downsample_majority
from codemill.domain.dataset import Sample
from codemill.domain.errors import InputError


def labelled(clean: int, vulnerable: int) -> list[Sample]:
    labels = ["clean"] * clean + ["vulnerable"] * vulnerable
    return [Sample(id=f"s{i}", text=f"t{i}", label=label) for i, label in enumerate(labels)]


def test_majority_is_capped_at_ratio_times_minority() -> None:
    kept, dropped = downsample_majority(labelled(100, 10), 3.0, seed=1)
    assert Counter(s.label for s in kept) == Counter({"clean": 30, "vulnerable": 10})
    assert dropped == 70
    assert [s.id for s in kept] == sorted((s.id for s in kept), key=lambda i: int(i[1:]))  # input order


def test_seeded_and_fractional_ratio() -> None:
    samples = labelled(50, 7)
    first, _ = downsample_majority(samples, 1.5, seed=3)
    assert [s.id for s in first] == [s.id for s in downsample_majority(samples, 1.5, seed=3)[0]]
    assert [s.id for s in first] != [s.id for s in downsample_majority(samples, 1.5, seed=4)[0]]
    assert Counter(s.label for s in first)["clean"] == 10  # floor(1.5 * 7)


def test_nothing_to_balance() -> None:
    balanced = labelled(20, 10)
    assert downsample_majority(balanced, 2.0, seed=0) == (balanced, 0)
    one_class = labelled(20, 0)
    assert downsample_majority(one_class, 1.0, seed=0) == (one_class, 0)
    multi = [Sample(id="a", text="x", labels=("B101",)), Sample(id="b", text="y")]
    assert downsample_majority(multi, 1.0, seed=0) == (multi, 0)
    with pytest.raises(InputError, match="at least 1"):
        downsample_majority(balanced, 0.5, seed=0)
