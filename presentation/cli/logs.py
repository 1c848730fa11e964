"""Logging to stderr, its level from -v/-q or CODEMILL_LOG_LEVEL."""

from __future__ import annotations

import logging
import os

_LEVELS = {-2: logging.ERROR, -1: logging.WARNING, 0: logging.INFO, 1: logging.DEBUG}


def configure_logging(verbosity: int) -> None:
    """verbosity: -v adds one, -q takes one away; 0 means CODEMILL_LOG_LEVEL or INFO."""
    if verbosity == 0:
        level = logging.getLevelName(os.environ.get("CODEMILL_LOG_LEVEL", "INFO").upper())
        level = level if isinstance(level, int) else logging.INFO
    else:
        level = _LEVELS[max(-2, min(1, verbosity))]
    root = logging.getLogger("codemill")
    root.setLevel(level)
    if not root.handlers:
        handler = logging.StreamHandler()  # stderr
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.propagate = False
