"""What happened to a training run, shared by the trainer and its callbacks; Ctrl-C as a flag."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType


@dataclass
class RunFlags:
    """Set during a run: a stop was asked (Ctrl-C) and honoured, the loss diverged, patience ran out."""

    interrupt_requested: bool = False
    interrupted: bool = False
    diverged: bool = False
    stopped_early: bool = False

    def request_interrupt(self, signum: int = signal.SIGINT, frame: FrameType | None = None) -> None:
        """The SIGINT handler: the first Ctrl-C asks for a checkpoint and a stop; a second one aborts."""
        if self.interrupt_requested:
            raise KeyboardInterrupt
        self.interrupt_requested = True


@contextmanager
def interrupt_sets_flag(flags: RunFlags) -> Iterator[None]:
    """Route SIGINT to `flags.request_interrupt` for the block; the previous handler is restored.

    Signal handlers belong to the main thread: elsewhere the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, flags.request_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
