"""Training curves as PNG bytes, drawn off-screen with matplotlib's Agg backend."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from codemill.infrastructure.tracking.metrics_history import PHASES, MetricsHistory

#: artifact path -> (metric, title, y-axis label); one line per phase that logged the metric.
PLOTS = {
    "metrics/loss.png": ("loss", "Loss", "loss"),
    "metrics/learning_rate.png": ("learning_rate", "Learning rate", "learning rate"),
    "metrics/throughput.png": ("samples_per_second", "Throughput", "samples / s"),
}


def metric_plots(history: MetricsHistory) -> dict[str, bytes]:
    """Each plot of PLOTS that has at least one finite value to draw; the others are left out."""
    plots = {}
    for path, (metric, title, ylabel) in PLOTS.items():
        series = {phase: history.series(metric, phase) for phase in PHASES}
        series = {phase: points for phase, points in series.items() if points}
        if series:
            plots[path] = lines_png(series, title=title, ylabel=ylabel)
    return plots


def lines_png(series: Mapping[str, Sequence[tuple[int, float]]], *, title: str, ylabel: str) -> bytes:
    """A 6x3.5 in, 100 dpi line chart of value against step, one labelled line (with markers) per series."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 3.5), dpi=100)
    try:
        for label, points in series.items():
            steps, values = zip(*points, strict=True)
            axes.plot(steps, values, marker="o" if len(points) < 30 else None, markersize=3, label=label)
        axes.set_title(title)
        axes.set_xlabel("step")
        axes.set_ylabel(ylabel)
        axes.grid(alpha=0.3)
        axes.legend(loc="best")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
