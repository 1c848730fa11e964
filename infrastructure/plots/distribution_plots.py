"""Samples of one feature side by side, as PNG bytes: histograms over shared bins, bars per category."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codemill.infrastructure.plots.png_figure import png_figure

_COLORS = ("#4C72B0", "#C44E52", "#55A868", "#8172B2")
_BINS = 30
_MAX_CATEGORIES = 20


def overlaid_histograms_png(series: Mapping[str, Sequence[float]], *, title: str, xlabel: str) -> bytes:
    """A 6x3.5 in figure: each series' share of values per bin, over bins common to all series."""
    png = bytearray()
    values = [v for sample in series.values() for v in sample]
    with png_figure((6, 3.5), png) as axes:
        if values:
            low, high = min(values), max(values)
            edges = _edges(low, high)
            for index, (name, sample) in enumerate(series.items()):
                if sample:
                    weights = [1.0 / len(sample)] * len(sample)
                    color = _COLORS[index % len(_COLORS)]
                    axes.hist(list(sample), bins=edges, weights=weights, alpha=0.5, color=color, label=name)
            axes.legend(loc="upper right")
        else:
            axes.text(0.5, 0.5, "no values", ha="center", va="center", transform=axes.transAxes)
        axes.set_title(title)
        axes.set_xlabel(xlabel)
        axes.set_ylabel("share")
    return bytes(png)


def grouped_bars_png(series: Mapping[str, Mapping[str, float]], *, title: str, ylabel: str) -> bytes:
    """A 6x3.5 in figure: for each category (the 20 largest), one bar per series side by side."""
    totals: dict[str, float] = {}
    for shares in series.values():
        for category, share in shares.items():
            totals[category] = totals.get(category, 0.0) + share
    categories = sorted(totals, key=lambda c: -totals[c])[:_MAX_CATEGORIES]
    width = 0.8 / max(1, len(series))
    png = bytearray()
    with png_figure((6, 3.5), png) as axes:
        for index, (name, shares) in enumerate(series.items()):
            positions = [i + index * width for i in range(len(categories))]
            heights = [shares.get(c, 0.0) for c in categories]
            axes.bar(positions, heights, width=width, color=_COLORS[index % len(_COLORS)], label=name)
        axes.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(categories))])
        axes.set_xticklabels(categories, rotation=30, ha="right")
        axes.set_title(title)
        axes.set_ylabel(ylabel)
        if series:
            axes.legend(loc="upper right")
    return bytes(png)


def _edges(low: float, high: float) -> list[float]:
    if high <= low:
        return [low - 0.5, high + 0.5]
    step = (high - low) / _BINS
    return [low + step * i for i in range(_BINS + 1)]
