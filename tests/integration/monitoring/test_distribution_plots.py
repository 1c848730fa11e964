"""Figures of a drifted feature: reference and current side by side, as PNG."""

from __future__ import annotations

from codemill.infrastructure.plots.matplotlib_plotter import MatplotlibPlotter
from tests.integration.datasets.test_length_histograms import PNG_MAGIC, png_size


def test_overlaid_histograms_and_grouped_bars_are_pngs_even_when_a_side_is_empty() -> None:
    plotter = MatplotlibPlotter()
    histograms = plotter.overlaid_histograms(
        {"reference": [12.0, 14.0, 15.0, 15.0, 18.0], "current": [210.0, 250.0, 260.0]},
        title="tokens: PSI 7.9",
        xlabel="tokens",
    )
    assert histograms.startswith(PNG_MAGIC) and png_size(histograms) == (600, 350)
    bars = plotter.grouped_bars(
        {"reference": {"python": 0.34, "go": 0.33, "java": 0.33}, "current": {"javascript": 1.0}},
        title="language: PSI 6.3",
        ylabel="share",
    )
    assert bars.startswith(PNG_MAGIC)
    assert plotter.overlaid_histograms({"reference": [], "current": []}, title="t", xlabel="x").startswith(
        PNG_MAGIC
    )
    assert plotter.overlaid_histograms(
        {"reference": [3.0] * 5, "current": [3.0]}, title="t", xlabel="x"
    ).startswith(PNG_MAGIC)
