"""Plotter on matplotlib (Agg backend: no display needed)."""

from __future__ import annotations

from collections.abc import Sequence

from infrastructure.plots.length_histograms import histogram_png


class MatplotlibPlotter:
    """Plotter port: PNG histograms drawn off-screen."""

    def histogram(self, values: Sequence[int], *, title: str, xlabel: str, limit: int | None = None) -> bytes:
        return histogram_png(values, title=title, xlabel=xlabel, limit=limit)
