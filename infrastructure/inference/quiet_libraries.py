"""Silence the libraries' own progress bars during a run: the run's single bar is ours."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import datasets
from transformers.utils import logging as transformers_logging


@contextmanager
def library_bars_off() -> Iterator[None]:
    """No bars from `datasets` (map) nor transformers (loading, writing shards); settings restored after."""
    datasets_on = not datasets.are_progress_bars_disabled()
    transformers_on = transformers_logging.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        if datasets_on:
            datasets.enable_progress_bars()
        if transformers_on:
            transformers_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
