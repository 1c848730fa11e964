"""Port: small charts for reports and dataset cards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Plotter(Protocol):
    """Contract: returns PNG bytes; never opens a window; works without a display."""

    def histogram(
        self, values: Sequence[int], *, title: str, xlabel: str, limit: int | None = None
    ) -> bytes: ...
