"""Plotter on matplotlib (Agg backend: no display needed)."""

from __future__ import annotations

from collections.abc import Sequence

from codemill.domain.calibration import ReliabilityBin
from codemill.infrastructure.plots.length_histograms import histogram_png
from codemill.infrastructure.plots.reliability_diagram import reliability_png


class MatplotlibPlotter:
    """Plotter port: PNG histograms and reliability diagrams drawn off-screen."""

    def histogram(self, values: Sequence[int], *, title: str, xlabel: str, limit: int | None = None) -> bytes:
        return histogram_png(values, title=title, xlabel=xlabel, limit=limit)

    def reliability_diagram(self, series: dict[str, Sequence[ReliabilityBin]], *, title: str) -> bytes:
        return reliability_png(series, title=title)
