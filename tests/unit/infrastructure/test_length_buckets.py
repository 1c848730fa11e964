"""length_buckets: similar lengths run together, padding bounded, every input once."""

from __future__ import annotations

from codemill.infrastructure.inference.length_buckets import length_buckets


def test_inputs_of_similar_length_share_a_pass_and_a_long_one_pads_no_short_one() -> None:
    lengths = [200, 10, 12, 11, 205, 9]
    groups = length_buckets(lengths, token_budget=2048, call_cost=64)
    assert groups == [[5, 1, 3, 2], [0, 4]]


def test_the_token_budget_bounds_a_pass_and_every_index_appears_once() -> None:
    lengths = [100] * 50 + [3000]
    groups = length_buckets(lengths, token_budget=1000, call_cost=64)
    assert all(len(group) * max(lengths[i] for i in group) <= 1000 for group in groups if len(group) > 1)
    assert sorted(i for group in groups for i in group) == list(range(51))
    assert [50] in groups  # longer than the budget: alone
    assert length_buckets([]) == []
