"""Port: small charts for reports and dataset cards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from codemill.domain.calibration import ReliabilityBin


class Plotter(Protocol):
    """Contract: returns PNG bytes; never opens a window; works without a display.

    `reliability_diagram` draws accuracy against confidence per bin, one
    series per entry of `series` (e.g. before and after temperature
    scaling), with the diagonal of perfect calibration.
    `overlaid_histograms` draws each series' distribution as shares over
    common bins (e.g. reference and current values of a feature);
    `grouped_bars` draws each series' share of every category side by side.
    """

    def histogram(
        self, values: Sequence[int], *, title: str, xlabel: str, limit: int | None = None
    ) -> bytes: ...

    def reliability_diagram(self, series: dict[str, Sequence[ReliabilityBin]], *, title: str) -> bytes: ...

    def overlaid_histograms(
        self, series: Mapping[str, Sequence[float]], *, title: str, xlabel: str
    ) -> bytes: ...

    def grouped_bars(
        self, series: Mapping[str, Mapping[str, float]], *, title: str, ylabel: str
    ) -> bytes: ...
