"""Reliability diagrams as PNG bytes: accuracy against confidence per bin, with the diagonal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codemill.domain.calibration import ReliabilityBin
from codemill.infrastructure.plots.png_figure import png_figure

_COLORS = ("#C44E52", "#4C72B0", "#55A868", "#8172B2")


def reliability_png(series: Mapping[str, Sequence[ReliabilityBin]], *, title: str) -> bytes:
    """A 5x5 in diagram: per non-empty bin, its accuracy at its mean confidence, one line a series.

    Renders off-screen (Agg): no display needed, no window left open. The
    dashed diagonal is perfect calibration; points below it are over-confident.
    """
    png = bytearray()
    with png_figure((5, 5), png) as axes:
        axes.plot([0, 1], [0, 1], linestyle="--", color="#888888", label="perfect calibration")
        for index, (name, bins) in enumerate(series.items()):
            filled = [b for b in bins if b.count]
            axes.plot(
                [b.confidence for b in filled],
                [b.accuracy for b in filled],
                marker="o",
                color=_COLORS[index % len(_COLORS)],
                label=name,
            )
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1)
        axes.set_xlabel("confidence")
        axes.set_ylabel("accuracy")
        axes.set_title(title)
        axes.legend(loc="upper left")
    return bytes(png)
