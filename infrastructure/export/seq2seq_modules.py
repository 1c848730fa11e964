"""An encoder-decoder split into the three graphs of cached greedy decoding: encoder, first step, next steps.

Past key/values travel as flat tensors, four per layer (self key, self value,
cross key, cross value); the step graph takes all four and returns the self
ones grown by one position, so no step recomputes the prefix or the encoder's
cross-attention projections.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers.cache_utils import EncoderDecoderCache

CACHE_PARTS = ("self_key", "self_value", "cross_key", "cross_value")


def cache_names(layers: int) -> list[str]:
    return [f"{part}.{layer}" for layer in range(layers) for part in CACHE_PARTS]


def _flat(cache: Any) -> list[torch.Tensor]:
    flat: list[torch.Tensor] = []
    for layer in cache:
        parts = list(layer)
        flat += (
            parts[:2] + parts[3:5] if len(parts) == 6 else parts[:4]
        )  # (k, v, sliding) twice, or (k, v) twice
    return flat


class Encoder(torch.nn.Module):
    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden: torch.Tensor = self.model.get_encoder()(
            input_ids=input_ids, attention_mask=attention_mask
        ).last_hidden_state
        return hidden


class FirstStep(torch.nn.Module):
    """Logits of the first token and the whole cache (self and cross attention of every layer)."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(
        self,
        decoder_input_ids: torch.Tensor,
        encoder_hidden_states: torch.Tensor,
        attention_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, ...]:
        out = self.model(
            encoder_outputs=(encoder_hidden_states,),
            attention_mask=attention_mask,
            decoder_input_ids=decoder_input_ids,
            use_cache=True,
        )
        return (out.logits, *_flat(out.cache))


class NextStep(torch.nn.Module):
    """Logits of one more token from the cache; returns the self-attention cache grown by one position."""

    def __init__(self, model: Any, layers: int) -> None:
        super().__init__()
        self.model = model
        self.layers = layers

    def forward(
        self, decoder_input_ids: torch.Tensor, attention_mask: torch.Tensor, *past: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        cache = EncoderDecoderCache([tuple(past[4 * i : 4 * i + 4]) for i in range(self.layers)])
        # the cross-attention cache is filled, so the encoder states are never read: zeros of the right shape
        hidden = past[2].new_zeros(past[2].shape[0], attention_mask.shape[1], self.model.config.d_model)
        out = self.model(
            encoder_outputs=(hidden,),
            attention_mask=attention_mask,
            decoder_input_ids=decoder_input_ids,
            use_cache=True,
            cache=cache,
        )
        grown = _flat(out.cache)
        return (out.logits, *[t for i, t in enumerate(grown) if i % 4 < 2])
