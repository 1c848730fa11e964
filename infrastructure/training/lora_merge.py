"""A LoRA run's best model: the adapters merged into the base, checked, with the adapter files beside it."""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from codemill.domain.errors import IntegrityError
from codemill.infrastructure.training.best_model_export import exported_files
from codemill.infrastructure.training.lora_adapters import ADAPTER_CONFIG, ADAPTER_WEIGHTS
from codemill.infrastructure.training.model_needs import TaskKind

ATOL = 1e-4  # merged vs adapted, and reloaded vs merged: max abs difference of the fp32 logits
ADAPTER_FOLDER = "adapter"
_ADAPTER_FILES = frozenset({ADAPTER_WEIGHTS, ADAPTER_CONFIG, "README.md"})  # peft writes its own card
Batch = Mapping[str, torch.Tensor]


def merged_copy(adapted: nn.Module) -> nn.Module:
    """The base model with the adapters folded into its weights (`adapted` is left as it is)."""
    merged: nn.Module = copy.deepcopy(adapted).merge_and_unload()  # type: ignore[operator]
    return merged


def export_merged_model(
    adapted: nn.Module,
    checkpoint: Path,
    target: Path,
    batch: Batch,
    kind: TaskKind,
    merge: Callable[[nn.Module], nn.Module] = merged_copy,
) -> dict[str, float]:
    """Replace `target` with the merged model of the checkpoint (whose adapters `adapted` holds), once
    it verifies on `batch`, and return the figures of the check.

    Checked, fp32 logits: the merged model matches the adapted one within ATOL; it differs from the
    base (adapters off), so the check is not vacuous; saved and reloaded, it matches itself within
    ATOL. A failure raises IntegrityError with the figures, and `target` is left as it was. The
    checkpoint's adapter files go to `target/adapter/`.
    """
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        merged = merge(adapted)
        figures = _figures(adapted, merged, batch)
        _save(merged, checkpoint, staging)
        reloaded = _reloaded(staging, kind)
        figures["reload_max_abs_diff"] = _max_diff(_logits(reloaded, batch), _logits(merged, batch))
        _check(figures, checkpoint)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return figures


def _figures(adapted: nn.Module, merged: nn.Module, batch: Batch) -> dict[str, float]:
    adapted_logits = _logits(adapted, batch)
    with adapted.disable_adapter():  # type: ignore[operator]
        base_logits = _logits(adapted, batch)
    merged_logits = _logits(merged, batch)
    return {
        "samples": float(len(next(iter(batch.values())))),
        "atol": ATOL,
        "merge_max_abs_diff": _max_diff(merged_logits, adapted_logits),
        "base_max_abs_diff": _max_diff(merged_logits, base_logits),
    }


def _check(figures: dict[str, float], checkpoint: Path) -> None:
    problems = []
    merge, reload = figures["merge_max_abs_diff"], figures["reload_max_abs_diff"]
    if not merge <= ATOL:
        problems.append(f"merged vs adapted logits differ by {merge:.3g} > {ATOL:g}")
    if not figures["base_max_abs_diff"] > 0.0:
        problems.append("the merged model gives the base model's logits (the adapters change nothing)")
    if not reload <= ATOL:
        problems.append(f"the reloaded merged model differs by {reload:.3g} > {ATOL:g}")
    if problems:
        raise IntegrityError(
            f"the LoRA merge of {checkpoint.name} failed its check on {int(figures['samples'])} inputs, "
            f"so nothing is published: {'; '.join(problems)}"
        )


def _save(merged: nn.Module, checkpoint: Path, folder: Path) -> None:
    for relative, source in exported_files(checkpoint).items():
        adapter_file = source.name in _ADAPTER_FILES and "/" not in relative
        destination = folder / ADAPTER_FOLDER / relative if adapter_file else folder / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    merged.save_pretrained(str(folder), safe_serialization=True)  # type: ignore[operator]


def _reloaded(folder: Path, kind: TaskKind) -> nn.Module:
    from transformers import AutoModelForSeq2SeqLM, AutoModelForSequenceClassification

    auto: Any = AutoModelForSeq2SeqLM if kind == "seq2seq" else AutoModelForSequenceClassification
    model: nn.Module = auto.from_pretrained(str(folder), local_files_only=True, use_safetensors=True)
    return model


@torch.no_grad()
def _logits(model: nn.Module, batch: Batch) -> torch.Tensor:
    device = next(model.parameters()).device
    model.eval()
    logits: torch.Tensor = model(**{key: value.to(device) for key, value in batch.items()}).logits
    return logits.float().cpu()


def _max_diff(first: torch.Tensor, second: torch.Tensor) -> float:
    return float((first - second).abs().max())
