"""TensorBoard event files written with tensorboardX as values are logged."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

EVENTS_FOLDER = "tensorboard"


class TensorBoardEvents:
    """Scalars under `PHASE/NAME` in event files `events.out.tfevents.*` inside `folder`.

    The writer opens on the first value (tensorboardX is imported then) with
    a unique file-name suffix, so two writers never share a file. `files`
    closes it, so every byte is on disk; a later value opens a new file.
    """

    def __init__(self, folder: str) -> None:
        self._folder = Path(folder)
        self._writer: Any = None

    def add(self, step: int, phase: str, values: Mapping[str, float]) -> None:
        if not values:
            return
        if self._writer is None:
            from tensorboardX import SummaryWriter

            suffix = f".{os.getpid()}.{uuid.uuid4().hex[:8]}"
            self._writer = SummaryWriter(logdir=str(self._folder), filename_suffix=suffix)
        for name, value in values.items():
            self._writer.add_scalar(f"{phase}/{name}", value, global_step=step)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def files(self) -> dict[str, bytes]:
        """Every file under the folder (earlier runs' event files included) as `tensorboard/RELATIVE`."""
        self.close()
        if not self._folder.is_dir():
            return {}
        return {
            f"{EVENTS_FOLDER}/{path.relative_to(self._folder).as_posix()}": path.read_bytes()
            for path in sorted(self._folder.rglob("*"))
            if path.is_file()
        }
