"""Trainer and Seq2SeqTrainer that notice a NaN or infinite loss at the step it happens."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from transformers import Seq2SeqTrainer, Trainer

from codemill.infrastructure.training.run_flags import RunFlags


class _LossGuard:
    """Flags `diverged` as soon as one micro-batch's loss is not finite.

    Logged losses are averages over `logging_steps`, so a check in `on_log`
    alone would notice too late, after a checkpoint of broken weights may
    have been written; the callbacks stop the run and skip the save.
    """

    run_flags: RunFlags

    def training_step(
        self, model: nn.Module, inputs: dict[str, Any], num_items_in_batch: torch.Tensor | int | None = None
    ) -> torch.Tensor:
        loss: torch.Tensor = super().training_step(model, inputs, num_items_in_batch)  # type: ignore[misc]
        if not self.run_flags.diverged and not bool(torch.isfinite(loss).all()):
            self.run_flags.diverged = True
        return loss


class GuardedTrainer(_LossGuard, Trainer):
    def __init__(self, *args: Any, run_flags: RunFlags, **kwargs: Any) -> None:
        self.run_flags = run_flags
        super().__init__(*args, **kwargs)


class GuardedSeq2SeqTrainer(_LossGuard, Seq2SeqTrainer):
    def __init__(self, *args: Any, run_flags: RunFlags, **kwargs: Any) -> None:
        self.run_flags = run_flags
        super().__init__(*args, **kwargs)
