"""Plotter on matplotlib (Agg backend: no display needed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codemill.domain.calibration import ReliabilityBin
from codemill.infrastructure.plots.distribution_plots import grouped_bars_png, overlaid_histograms_png
from codemill.infrastructure.plots.length_histograms import histogram_png
from codemill.infrastructure.plots.reliability_diagram import reliability_png


class MatplotlibPlotter:
    """Plotter port: PNG histograms, reliability diagrams and distribution comparisons drawn off-screen."""

    def histogram(self, values: Sequence[int], *, title: str, xlabel: str, limit: int | None = None) -> bytes:
        return histogram_png(values, title=title, xlabel=xlabel, limit=limit)

    def reliability_diagram(self, series: dict[str, Sequence[ReliabilityBin]], *, title: str) -> bytes:
        return reliability_png(series, title=title)

    def overlaid_histograms(self, series: Mapping[str, Sequence[float]], *, title: str, xlabel: str) -> bytes:
        return overlaid_histograms_png(series, title=title, xlabel=xlabel)

    def grouped_bars(self, series: Mapping[str, Mapping[str, float]], *, title: str, ylabel: str) -> bytes:
        return grouped_bars_png(series, title=title, ylabel=ylabel)
