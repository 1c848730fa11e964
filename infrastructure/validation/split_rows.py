"""The rows of one split of a built dataset that validation scores a model on."""

from __future__ import annotations

from typing import Any

from codemill.domain.errors import InputError
from codemill.infrastructure.inference.quiet_libraries import library_bars_off


def split_rows(dataset_dir: str, split: str, limit: int | None) -> Any:
    """The first `limit` rows (all when None) of `split`; InputError when the split is missing or empty."""
    from codemill.infrastructure.training.encoding import load_splits

    with library_bars_off():
        splits = load_splits(dataset_dir)
    if split not in splits or len(splits[split]) == 0:
        raise InputError(f"the dataset in {dataset_dir} has no {split} samples")
    rows = splits[split]
    return rows if limit is None else rows.select(range(min(limit, len(rows))))
