"""The best checkpoint's weights back into the model, and its score on the test split (else validation)."""

from __future__ import annotations

import json
from pathlib import Path

from safetensors.torch import load_model
from torch import nn
from transformers import Trainer

from codemill.domain.errors import IntegrityError
from codemill.infrastructure.training.encoding import EncodedSplits
from codemill.infrastructure.training.lora_adapters import is_adapted, load_adapter_weights
from codemill.infrastructure.training.metric_functions import CodeTargetScoring, unprefixed

_SINGLE_FILE = "model.safetensors"
_INDEX = "model.safetensors.index.json"


def evaluate_checkpoint(
    trainer: Trainer,
    model: nn.Module,
    folder: Path,
    splits: EncodedSplits,
    code: CodeTargetScoring | None = None,
) -> dict[str, float]:
    """Load the checkpoint's weights into `model` (the trainer's), then evaluate: {'loss': ..., ...}.

    Empty when there is neither a test nor a validation split. `code` (the trainer's code metrics, for
    a target that is code) is told which split is scored.
    """
    split, prefix = (splits.test, "test") if splits.test is not None else (splits.validation, "validation")
    if split is None:
        return {}
    load_weights(model, folder)
    if code is not None:
        code.evaluating(prefix)
    return unprefixed(trainer.evaluate(eval_dataset=split, metric_key_prefix=prefix), prefix)


def load_weights(model: nn.Module, folder: Path) -> None:
    """Safetensors weights, one file or shards listed in the index; tied duplicates may be absent.
    An adapted (LoRA) model takes the checkpoint's adapters."""
    if is_adapted(model):
        load_adapter_weights(model, folder)
        return
    index = folder / _INDEX
    if index.is_file():
        shards = sorted(set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values()))
        for shard in shards:
            load_model(model, str(folder / shard), strict=False)
        return
    if not (folder / _SINGLE_FILE).is_file():
        raise IntegrityError(f"{folder} has no {_SINGLE_FILE}")
    missing, unexpected = load_model(model, str(folder / _SINGLE_FILE), strict=False)
    if unexpected or missing:
        raise IntegrityError(
            f"{folder} does not fit the model: missing {missing[:3]}, unexpected {unexpected[:3]}"
        )
