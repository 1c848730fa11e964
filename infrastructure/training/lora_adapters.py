"""LoRA with peft: adapters on a frozen model, their parameter count, their weights in a checkpoint."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from torch import nn

from codemill.domain.errors import InputError
from codemill.domain.lora import LoraSpec
from codemill.infrastructure.training.model_needs import TaskKind

log = logging.getLogger("codemill.train")
ADAPTER_WEIGHTS, ADAPTER_CONFIG = "adapter_model.safetensors", "adapter_config.json"
# The attention projections adapted when the spec names none, by `config.model_type`.
DEFAULT_TARGETS = {
    "t5": ("q", "v"),
    "mt5": ("q", "v"),
    "bert": ("query", "value"),
    "roberta": ("query", "value"),
    "xlm-roberta": ("query", "value"),
    "electra": ("query", "value"),
    "distilbert": ("q_lin", "v_lin"),
}
# The classification heads a classifier trains in full (peft's modules_to_save), by their module name.
_HEADS = ("classifier", "score", "pooler")


def with_lora(model: nn.Module, spec: LoraSpec, kind: TaskKind, **options: Any) -> nn.Module:
    """`model` frozen, with adapters on `spec.targets` (else the architecture's default) and, for a
    classifier, its head trained in full; `options` go to peft's LoraConfig (`init_lora_weights`)."""
    from peft import LoraConfig, TaskType, get_peft_model

    model_type = str(getattr(getattr(model, "config", None), "model_type", ""))
    targets = spec.targets or DEFAULT_TARGETS.get(model_type)
    if not targets:
        raise InputError(
            f"no default LoRA targets for a {model_type or 'custom'} model: name them, e.g. targets=q,v"
        )
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    missing = sorted(set(targets) - names)
    if missing:
        raise InputError(f"LoRA targets {missing} are not modules of this {model_type} model")
    seq2seq = kind == "seq2seq"
    config = LoraConfig(
        task_type=TaskType.SEQ_2_SEQ_LM if seq2seq else TaskType.SEQ_CLS,
        r=spec.r,
        lora_alpha=spec.alpha,
        lora_dropout=spec.dropout,
        target_modules=list(targets),
        modules_to_save=None if seq2seq else [head for head in _HEADS if head in names][:1] or None,
        **options,
    )
    adapted: nn.Module = get_peft_model(model, config)
    figures = parameter_figures(adapted)
    log.info(
        "LoRA r=%d alpha=%d on %s: %d of %d parameters trainable (%.2f%%)",
        spec.r,
        spec.alpha,
        ",".join(targets),
        int(figures["trainable_parameters"]),
        int(figures["total_parameters"]),
        100 * figures["trainable_fraction"],
    )
    return adapted


def is_adapted(model: nn.Module) -> bool:
    from peft import PeftModel

    return isinstance(model, PeftModel)


def parameter_figures(model: nn.Module) -> dict[str, float]:
    """Trainable and total parameters (a saved copy of a head counted once) and the trainable fraction."""
    total = trainable = 0
    for name, parameter in model.named_parameters():
        if ".original_module." in name:
            continue  # peft keeps the untrained head beside the trained copy
        total += parameter.numel()
        trainable += parameter.numel() if parameter.requires_grad else 0
    return {
        "trainable_parameters": float(trainable),
        "total_parameters": float(total),
        "trainable_fraction": trainable / total if total else 0.0,
    }


def load_adapter_weights(model: nn.Module, folder: Path) -> None:
    """The adapters (and trained head) of a checkpoint folder into the adapted `model`."""
    from peft.utils import load_peft_weights, set_peft_model_state_dict

    result = set_peft_model_state_dict(model, load_peft_weights(str(folder), device="cpu"))
    unexpected = list(getattr(result, "unexpected_keys", []))
    if unexpected:
        raise InputError(f"{folder} does not fit the adapted model: unexpected {unexpected[:3]}")
