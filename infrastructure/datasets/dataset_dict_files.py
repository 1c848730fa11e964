"""Splits of samples written as a Hugging Face DatasetDict folder, and read back."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from codemill.domain.dataset import Sample
from codemill.domain.errors import InputError, IntegrityError
from codemill.infrastructure.datasets.sample_columns import ColumnLayout, features, to_columns, to_sample

_SPLIT_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")
_BATCH = 1_000


def save_dataset_dict(folder: Path, splits: Mapping[str, Sequence[Sample]], layout: ColumnLayout) -> None:
    """`DatasetDict.save_to_disk(folder)`: one Dataset per split, empty splits included, same features."""
    import datasets

    if not splits:
        raise InputError("a dataset needs at least one split")
    bad = [name for name in splits if not _SPLIT_NAME.fullmatch(name)]
    if bad:
        raise InputError(f"invalid split names {bad}: use letters, digits and '_'")
    schema = features(layout)
    parts = {
        name: datasets.Dataset.from_dict(to_columns(samples, layout), features=schema)
        for name, samples in splits.items()
    }
    empty_splits_need_one_shard = {name: 1 for name, samples in splits.items() if not samples}
    with _quiet():
        datasets.DatasetDict(parts).save_to_disk(str(folder), num_shards=empty_splits_need_one_shard)


def saved_samples(folder: Path, split: str, *, where: str, limit: int | None) -> Iterator[Sample]:
    """Samples of one split of a saved DatasetDict (opened now, read lazily), labels back as names."""
    import datasets

    with _quiet():
        try:
            saved = datasets.load_from_disk(str(folder))
        except (OSError, ValueError, KeyError, IndexError) as exc:
            raise IntegrityError(f"{where} is not a readable DatasetDict: {exc}") from exc
    if split not in saved:
        raise InputError(f"{where} has no split {split!r} (splits: {', '.join(saved)})")
    part = saved[split]
    if limit is not None:
        part = part.select(range(min(max(limit, 0), len(part))))
    return _samples(part, _label_names(part.features))


def _samples(part: Any, label_names: Sequence[str]) -> Iterator[Sample]:
    for batch in part.iter(batch_size=_BATCH):
        for values in zip(*batch.values(), strict=True):
            yield to_sample(dict(zip(batch, values, strict=True)), label_names)


def _label_names(schema: Mapping[str, object]) -> list[str]:
    feature = schema.get("label") or getattr(schema.get("labels"), "feature", None)
    return list(getattr(feature, "names", []))


@contextmanager
def _quiet() -> Iterator[None]:
    """No progress bars from `datasets` for our own short steps; the caller's setting is restored."""
    import datasets

    was_enabled = not datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if was_enabled:
            datasets.enable_progress_bars()
