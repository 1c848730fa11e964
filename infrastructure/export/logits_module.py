"""A sequence classifier as a module with one output, its logits: the shape of the exported graph."""

from __future__ import annotations

from typing import Any

import torch


class LogitsOnly(torch.nn.Module):
    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.model(input_ids=input_ids, attention_mask=attention_mask).logits
        return logits
