"""Plots rendered to PNG bytes with matplotlib's Agg backend."""

from codemill.infrastructure.plots.length_histograms import histogram_png

__all__ = ["histogram_png"]
