"""Holding off Python's cyclic garbage collector around allocation-heavy work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Holds off the cyclic garbage collector for a bounded piece of work (a file, a shard).

    Parsing builds a node per token, and units, records and tokens follow,
    almost none of them in reference cycles; left on, the collector would scan
    the whole heap many times per large file. Whatever is pending is
    collected as usual once it is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
