"""Which process of a distributed launch (torchrun, accelerate) this is."""

from __future__ import annotations

import os


def is_main_process() -> bool:
    """Rank 0 under torchrun / accelerate (DDP), or a plain process: the one that writes and reports."""
    return os.environ.get("RANK", "0") == "0"
