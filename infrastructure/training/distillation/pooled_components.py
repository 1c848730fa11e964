"""The pooled distillation components, semantic and contrastive: one value per sample."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch

from codemill.infrastructure.training.distillation import losses
from codemill.infrastructure.training.encoding import IGNORED_LABEL

if TYPE_CHECKING:
    from codemill.infrastructure.training.distillation.distilling_trainer import Distillation

POOLED = ("semantic", "contrastive")


def pooled_components(
    distillation: Distillation, outputs: Any, teacher: Any, inputs: dict[str, Any], samples: float
) -> dict[str, torch.Tensor]:
    """Each pooled component the config uses: its sum over the batch's samples divided by `samples`
    (those of the whole accumulated batch), so that micro-batches add up to the mean over it."""
    config = distillation.config
    used = [name for name in POOLED if config.uses(name)]
    if not used:
        return {}
    student, target = pooled_pair(distillation, outputs, teacher, inputs)
    per_sample: dict[str, Callable[[], torch.Tensor]] = {
        "semantic": lambda: losses.semantic_distance(
            student, target, distillation.projections.get("semantic"), config.semantic_scale
        ),
        "contrastive": lambda: losses.info_nce(
            student, target, distillation.projections.get("contrastive"), config.contrastive_temperature
        ),
    }
    return {name: per_sample[name]().sum() / samples for name in used}


def pooled_pair(
    distillation: Distillation, outputs: Any, teacher: Any, inputs: dict[str, Any]
) -> tuple[torch.Tensor, torch.Tensor]:
    """The student's and the teacher's sequence representations (B, H).

    Encoder-decoder: the mean of the last decoder hidden state over the real
    target positions (teacher forcing): what the output is generated from,
    the target in the context of the input. Encoder: the mean of the last
    hidden state over the real input tokens.
    """
    if distillation.kind == "seq2seq":
        mask = inputs["labels"] != IGNORED_LABEL
        student, target = outputs.decoder_hidden_states[-1], teacher.decoder_hidden_states[-1]
    else:
        mask = inputs.get("attention_mask")
        student, target = outputs.hidden_states[-1], teacher.hidden_states[-1]
    return losses.pooled(student, mask), losses.pooled(target, mask)
