"""The per-step distillation log, `distill_log.csv`: one row per optimizer step, written by rank 0."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn
from transformers import PreTrainedModel, TrainerCallback
from transformers import TrainerControl as Control
from transformers import TrainerState as State
from transformers import TrainingArguments as Args

from codemill.infrastructure.local_files import write_atomically

DISTILL_LOG = "distill_log.csv"
_PER_COMPONENT = ("raw", "weighted", "weight")


def model_parts(model: PreTrainedModel) -> dict[str, list[nn.Parameter]]:
    """The trainable parameters in two parts: 'encoder' and 'decoder' for an encoder-decoder (the decoder:
    every parameter outside the encoder stack, the LM head included), 'encoder' (the base model) and
    'head' otherwise. A parameter of both (embeddings tied across the stacks) counts with the encoder."""
    seq2seq = bool(model.config.is_encoder_decoder)
    encoder: nn.Module = model.get_encoder() if seq2seq else model.base_model
    inside = {id(parameter) for parameter in encoder.parameters()}
    other = "decoder" if seq2seq else "head"
    parts: dict[str, list[nn.Parameter]] = {"encoder": [], other: []}
    for parameter in model.parameters():
        if parameter.requires_grad:
            parts["encoder" if id(parameter) in inside else other].append(parameter)
    return parts


def gradient_norms(parts: Mapping[str, Sequence[nn.Parameter]], scale: float = 1.0) -> dict[str, float]:
    """The L2 norm of each part's gradient as it stands (accumulated, not yet clipped), divided by `scale`
    (the fp16 loss scale, whose gradients are unscaled only when clipped); 0 for a part without one."""
    norms = {}
    for name, parameters in parts.items():
        grads = [p.grad.detach().float() for p in parameters if p.grad is not None]
        total = (
            torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
            if grads
            else 0
        )
        norms[name] = float(total) / scale
    return norms


class StepLog(TrainerCallback):
    """Columns: step, epoch, loss, then NAME_raw, NAME_weighted, NAME_weight for each component, then
    grad_norm_PART for each part of the model (see `model_parts`).

    The trainer adds each micro-batch's raw values with its share of the step (`add`) and, at the
    micro-batch that ends an optimizer step, the gradient norms (`norms`). Under DDP the values are
    averaged across ranks at the step's end (every rank takes part) and rank 0 alone writes; the norms
    are of the synchronized gradient. A fresh run starts the file; a resumed one keeps the rows up to the
    step it resumes from, when the file is still in the run folder.
    """

    def __init__(
        self, path: str | None, components: Sequence[str], parts: Sequence[str], *, writes: bool
    ) -> None:
        self.path = Path(path) if path else None
        self.writes = writes and self.path is not None
        self.components = tuple(components)
        self.parts = tuple(parts)
        per_component = [f"{name}_{what}" for name in self.components for what in _PER_COMPONENT]
        self.columns = [
            "step",
            "epoch",
            "loss",
            *per_component,
            *(f"grad_norm_{part}" for part in self.parts),
        ]
        self.norms: dict[str, float] = {}
        self._raw = dict.fromkeys(self.components, 0.0)
        self._weights: dict[str, float] = {}

    def add(self, raw: Mapping[str, float], weights: Mapping[str, float], share: float) -> None:
        for name in self.components:
            self._raw[name] += raw.get(name, 0.0) * share
        self._weights = dict(weights)

    def on_train_begin(self, args: Args, state: State, control: Control, **_: Any) -> None:
        if self.writes:
            self._start(state.global_step)

    def on_step_end(self, args: Args, state: State, control: Control, **_: Any) -> None:
        raw = dict(zip(self.components, _mean_across_ranks(args, list(self._raw.values())), strict=True))
        if self.writes:
            self._append(self._row(state, raw))
        self._raw = dict.fromkeys(self.components, 0.0)
        self.norms = {}

    def _row(self, state: State, raw: Mapping[str, float]) -> list[Any]:
        weights = [self._weights.get(name, 0.0) for name in self.components]
        values = [
            (raw[name], raw[name] * weight, weight)
            for name, weight in zip(self.components, weights, strict=True)
        ]
        loss = sum(weighted for _, weighted, _ in values)
        norms = [self.norms.get(part, float("nan")) for part in self.parts]
        return [
            state.global_step,
            round(float(state.epoch or 0.0), 4),
            loss,
            *(v for row in values for v in row),
            *norms,
        ]

    def _start(self, step: int) -> None:
        assert self.path is not None  # nosec B101  # an invariant for the type checker, not a security check
        kept: list[list[str]] = []
        if step > 0 and self.path.is_file():
            rows = list(csv.reader(io.StringIO(self.path.read_text(encoding="utf-8"))))
            if rows and rows[0] == self.columns:
                kept = [row for row in rows[1:] if row and int(row[0]) <= step]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([self.columns, *kept])
        write_atomically(self.path, buffer.getvalue().encode("utf-8"))

    def _append(self, row: list[Any]) -> None:
        assert self.path is not None  # nosec B101  # an invariant for the type checker, not a security check
        with self.path.open("a", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\n").writerow(row)


def _mean_across_ranks(args: Args, values: list[float]) -> list[float]:
    if args.world_size <= 1 or not torch.distributed.is_initialized():
        return values
    summed = torch.tensor(values, dtype=torch.float64, device=args.device)
    torch.distributed.all_reduce(summed)
    return [float(value) / args.world_size for value in summed.tolist()]
