"""Complexity ranks: radon's A (simple) to F (very complex) letters for any language."""

from __future__ import annotations

# Upper bounds (inclusive) of each rank, as radon defines them for cyclomatic complexity.
_RANK_UPPER_BOUNDS: tuple[tuple[int, str], ...] = (
    (5, "A"),
    (10, "B"),
    (20, "C"),
    (30, "D"),
    (40, "E"),
)


def rank_for_complexity(cc: int) -> str:
    """The rank of a cyclomatic complexity: 1-5 A, 6-10 B, 11-20 C, 21-30 D, 31-40 E, 41+ F.

    A complexity of 0 (a body with no code paths, as some tools report) ranks A.
    Raises ValueError for a negative complexity, which no tool can report.
    """
    if cc < 0:
        raise ValueError(f"cyclomatic complexity cannot be negative: {cc}")
    for upper, rank in _RANK_UPPER_BOUNDS:
        if cc <= upper:
            return rank
    return "F"
