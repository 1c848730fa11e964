"""Settings of the collect step turned into the options its use case takes."""

from __future__ import annotations

import os

from codemill.application.collection.file_processor import CollectOptions
from codemill.domain.file_screening import ScreeningLimits
from codemill.domain.unit_filters import FilterConfig
from codemill.presentation.settings import CollectSettings


def collect_options(settings: CollectSettings) -> CollectOptions:
    return CollectOptions(
        limits=ScreeningLimits(max_bytes=settings.max_file_bytes),
        filters=FilterConfig(
            max_line_length=settings.max_line_length,
            max_mean_line_length=settings.max_mean_line_length,
            min_alnum_fraction=settings.min_alnum_fraction,
            min_lines=settings.min_lines,
            max_lines=settings.max_lines,
        ),
        redact=settings.redact,
        parse_timeout_ms=settings.parse_timeout_ms,
        metrics=settings.metrics,
    )


def default_workers(settings: CollectSettings) -> int:
    return settings.workers or os.cpu_count() or 1
