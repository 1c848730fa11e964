"""The best checkpoint as a standalone model folder: weights, config and tokenizer, no trainer state."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from codemill.domain.errors import InputError
from codemill.infrastructure.training.checkpoint_manager import TRAINER_STATE_FILE
from codemill.infrastructure.training.checkpoint_records import RECORD_NAME

_ADAPTER_CONFIG = "adapter_config.json"  # peft's, in every LoRA checkpoint
_RUN_ONLY = frozenset({RECORD_NAME, "trainer_state.json", "training_args.bin"})


def export_best_model(checkpoint: Path, target: Path) -> Path:
    """Replace `target` with the checkpoint's model files (hard links where the disk allows).

    Left out: the optimizer, scheduler, scaler and RNG states, the trainer
    state and the checkpoint record; so the folder holds no pickle at all.
    The new folder is assembled aside and renamed into place. A LoRA
    checkpoint (adapters only) is refused: its model is the checked merge
    that training exports (`lora_merge`).
    """
    if (checkpoint / _ADAPTER_CONFIG).is_file():
        raise InputError(
            f"{checkpoint.name} holds LoRA adapters, not a model: use the merged model the run exported "
            "(models/RUN/, adapters in models/RUN/adapter/)"
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    for relative, source in exported_files(checkpoint).items():
        destination = staging / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(source, destination)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target


def exported_files(checkpoint: Path) -> dict[str, Path]:
    """The checkpoint's model files by relative path: no trainer state, no checkpoint record."""
    return {
        source.relative_to(checkpoint).as_posix(): source
        for source in sorted(checkpoint.rglob("*"))
        if source.is_file() and source.name not in _RUN_ONLY and not TRAINER_STATE_FILE.fullmatch(source.name)
    }


def _link_or_copy(source: Path, destination: Path) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
