import pytest

from codemill.domain.quality_rank import rank_for_complexity


@pytest.mark.parametrize(
    ("cc", "rank"),
    [
        *[(0, "A"), (1, "A"), (5, "A"), (6, "B"), (10, "B"), (11, "C"), (20, "C")],
        *[(21, "D"), (30, "D"), (31, "E"), (40, "E"), (41, "F"), (500, "F")],
    ],
)
def test_ranks_follow_radon_thresholds(cc: int, rank: str) -> None:
    assert rank_for_complexity(cc) == rank


def test_matches_radon_itself() -> None:
    from radon.complexity import cc_rank

    assert all(rank_for_complexity(cc) == cc_rank(cc) for cc in range(0, 60))


def test_negative_complexity_is_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        rank_for_complexity(-1)
