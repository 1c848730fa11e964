"""Token-length histograms as PNG bytes, for dataset cards."""

from __future__ import annotations

from collections.abc import Sequence

from codemill.infrastructure.plots.png_figure import png_figure

_BINS = 50


def histogram_png(values: Sequence[int], *, title: str, xlabel: str, limit: int | None = None) -> bytes:
    """A 6x3.5 in, 100 dpi histogram of `values`, with a dashed red line at `limit` when given.

    Renders off-screen (Agg): it needs no display and leaves no window open.
    Empty `values` give an empty plot that says so.
    """
    png = bytearray()
    with png_figure((6, 3.5), png) as axes:
        if values:
            axes.hist(list(values), bins=min(_BINS, max(1, len(set(values)))), color="#4C72B0")
        else:
            axes.text(0.5, 0.5, "no samples", ha="center", va="center", transform=axes.transAxes)
        if limit is not None:
            axes.axvline(limit, color="#C44E52", linestyle="--", label=f"limit {limit}")
            axes.legend(loc="upper right")
        axes.set_title(title)
        axes.set_xlabel(xlabel)
        axes.set_ylabel("samples")
    return bytes(png)
