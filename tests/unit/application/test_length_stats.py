from __future__ import annotations

from codemill.application.datasets.length_stats import length_summary


def test_summary_of_lengths() -> None:
    lengths = list(range(1, 101))  # 1..100
    assert length_summary(lengths, max_length=90).to_dict() == {
        "count": 100,
        "mean": 50.5,
        "p50": 50,
        "p95": 95,
        "max": 100,
        "truncated": 10,
    }


def test_order_does_not_matter_and_small_inputs() -> None:
    assert length_summary([7, 3, 5], max_length=5).to_dict() == {
        "count": 3,
        "mean": 5.0,
        "p50": 5,
        "p95": 7,
        "max": 7,
        "truncated": 1,
    }
    assert length_summary([4], max_length=4).truncated == 0


def test_no_lengths_gives_zeros() -> None:
    assert length_summary([], max_length=512).to_dict() == {
        "count": 0,
        "mean": 0.0,
        "p50": 0,
        "p95": 0,
        "max": 0,
        "truncated": 0,
    }
