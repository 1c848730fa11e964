"""The best checkpoint as a standalone model folder: weights, config and tokenizer, no trainer state."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from codemill.infrastructure.training.checkpoint_manager import TRAINER_STATE_FILE
from codemill.infrastructure.training.checkpoint_records import RECORD_NAME

_RUN_ONLY = frozenset({RECORD_NAME, "trainer_state.json", "training_args.bin"})


def export_best_model(checkpoint: Path, target: Path) -> Path:
    """Replace `target` with the checkpoint's model files (hard links where the disk allows).

    Left out: the optimizer, scheduler, scaler and RNG states, the trainer
    state and the checkpoint record; so the folder holds no pickle at all.
    The new folder is assembled aside and renamed into place.
    """
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    for source in sorted(checkpoint.rglob("*")):
        name = source.name
        if not source.is_file() or name in _RUN_ONLY or TRAINER_STATE_FILE.fullmatch(name):
            continue
        destination = staging / source.relative_to(checkpoint)
        destination.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(source, destination)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target


def _link_or_copy(source: Path, destination: Path) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
