"""Inputs grouped by length before they are padded: a long snippet no longer pads a batch of short ones."""

from __future__ import annotations

from collections.abc import Sequence

TOKEN_BUDGET = 2048  # padded tokens in one forward pass at most
CALL_COST_TOKENS = 64  # what one more forward pass costs on CPU, in tokens of compute (measured)


def length_buckets(
    lengths: Sequence[int], *, token_budget: int = TOKEN_BUDGET, call_cost: int = CALL_COST_TOKENS
) -> list[list[int]]:
    """Indices of `lengths` in groups, each run as one padded forward pass.

    Inputs are taken shortest first. The next input joins the current group
    unless the padding it adds to the group (its length over the group's
    longest, for every member) costs more than a forward pass of its own
    (`call_cost` tokens), or the group would pad to more than `token_budget`
    tokens. Every index appears once.
    """
    groups: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        length = lengths[index]
        if current and (
            len(current) * (length - longest) > call_cost or (len(current) + 1) * length > token_budget
        ):
            groups.append(current)
            current = []
        current.append(index)
        longest = length
    if current:
        groups.append(current)
    return groups
