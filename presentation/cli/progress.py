"""ProgressReporter on tqdm, drawing on stderr only when stderr is a terminal (or forced)."""

from __future__ import annotations

import sys
from typing import Any


class TqdmProgress:
    """Progress bars on stderr; silent when `enabled` is False."""

    def __init__(self, *, enabled: bool | None = None) -> None:
        self._enabled = sys.stderr.isatty() if enabled is None else enabled

    def bar(self, label: str, *, total: int | None = None, unit: str = "it") -> _TqdmBar:
        return _TqdmBar(label, total=total, unit=unit, enabled=self._enabled)


class _TqdmBar:
    def __init__(self, label: str, *, total: int | None, unit: str, enabled: bool) -> None:
        from tqdm import tqdm

        self._bar: Any = tqdm(
            desc=label, total=total, unit=unit, file=sys.stderr, disable=not enabled, dynamic_ncols=True
        )

    def advance(self, n: int = 1, **status: object) -> None:
        self._bar.update(n)
        if status:
            self._bar.set_postfix(status, refresh=False)

    def close(self) -> None:
        self._bar.close()
