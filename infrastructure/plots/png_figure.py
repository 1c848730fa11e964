"""One off-screen matplotlib figure, returned as PNG bytes and always closed."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def png_figure(size: tuple[float, float], into: bytearray) -> Iterator[Any]:
    """Yields the axes of a `size`-inch, 100 dpi figure (Agg: no display); its PNG bytes land in `into`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=size, dpi=100)
    try:
        yield axes
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        into[:] = buffer.getvalue()
    finally:
        plt.close(figure)
