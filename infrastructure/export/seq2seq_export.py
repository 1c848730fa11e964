"""Exporting an encoder-decoder as three ONNX graphs, and greedy decoding with them in ONNX Runtime."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from codemill.infrastructure.export.seq2seq_modules import (
    CACHE_PARTS,
    Encoder,
    FirstStep,
    NextStep,
    cache_names,
)

ENCODER, FIRST_STEP, NEXT_STEP = "encoder.onnx", "decoder.onnx", "decoder_with_past.onnx"
SEQ2SEQ_GRAPHS = (ENCODER, FIRST_STEP, NEXT_STEP)


def layer_count(config: Any) -> int:
    return int(getattr(config, "num_decoder_layers", None) or config.num_layers)


def export_seq2seq(loaded: Any, target: Path, opset: int) -> list[Path]:
    """The three graphs of `loaded` (a ModelFolder of an encoder-decoder) under `target`."""
    model, config = loaded.model, loaded.model.config
    layers = layer_count(config)
    names = cache_names(layers)
    self_names = [n for n in names if n.startswith("self_")]
    batch = loaded.encode(["def f(x):\n    return x\n", "x = 1"])
    ids, mask = batch["input_ids"], batch["attention_mask"]
    start = torch.full((ids.shape[0], 1), int(config.decoder_start_token_id or 0), dtype=torch.long)
    seq = {0: "batch", 1: "sequence"}
    cache_axes = {n: {0: "batch", 2: "sequence" if n.startswith("cross") else "past"} for n in names}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on shape arithmetic, not problems
        hidden = Encoder(model).eval()(ids, mask)
        first = FirstStep(model).eval()(start, hidden, mask)
        _export(
            Encoder(model),
            (ids, mask),
            target / ENCODER,
            opset,
            ["input_ids", "attention_mask"],
            ["encoder_hidden_states"],
            {"input_ids": seq, "attention_mask": seq, "encoder_hidden_states": seq},
        )
        _export(
            FirstStep(model),
            (start, hidden, mask),
            target / FIRST_STEP,
            opset,
            ["decoder_input_ids", "encoder_hidden_states", "attention_mask"],
            ["logits", *(f"present.{n}" for n in names)],
            {
                "decoder_input_ids": {0: "batch"},
                "encoder_hidden_states": seq,
                "attention_mask": seq,
                "logits": {0: "batch"},
                **{f"present.{n}": cache_axes[n] for n in names},
            },
        )
        _export(
            NextStep(model, layers),
            (start, mask, *first[1:]),
            target / NEXT_STEP,
            opset,
            ["decoder_input_ids", "attention_mask", *(f"past.{n}" for n in names)],
            ["logits", *(f"present.{n}" for n in self_names)],
            {
                "decoder_input_ids": {0: "batch"},
                "attention_mask": seq,
                "logits": {0: "batch"},
                **{f"past.{n}": cache_axes[n] for n in names},
                **{f"present.{n}": {0: "batch", 2: "grown"} for n in self_names},
            },
        )
    return [target / name for name in SEQ2SEQ_GRAPHS]


def _export(
    module: torch.nn.Module,
    args: tuple[Any, ...],
    path: Path,
    opset: int,
    inputs: list[str],
    outputs: list[str],
    axes: dict[str, dict[int, str]],
) -> None:
    torch.onnx.export(
        module.eval(),
        args,
        str(path),
        input_names=inputs,
        output_names=outputs,
        dynamic_axes=axes,
        opset_version=opset,
        dynamo=False,
    )


class OnnxGreedyDecoder:
    """Greedy generation with the three graphs: the prefix is never recomputed, only the cache grows."""

    def __init__(self, folder: Path, config: Any, session: Any) -> None:
        self._encoder = session(str(folder / ENCODER))
        self._first = session(str(folder / FIRST_STEP))
        self._next = session(str(folder / NEXT_STEP))
        self._names = cache_names(layer_count(config))
        self._past = [f"past.{n}" for n in self._names]
        self._self_past = [f"past.{n}" for n in self._names if n.split(".")[0] in CACHE_PARTS[:2]]
        self._start = int(config.decoder_start_token_id or 0)
        self._eos = int(config.eos_token_id)
        self._pad = int(config.pad_token_id or 0)

    def generate(
        self, ids: np.ndarray, mask: np.ndarray, max_new_tokens: int, *, min_new_tokens: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Token ids generated per row (pad after eos; eos held back for `min_new_tokens`), first logits."""
        hidden = self._encoder.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        start = np.full((ids.shape[0], 1), self._start, dtype=np.int64)
        outputs = self._first.run(
            None, {"decoder_input_ids": start, "encoder_hidden_states": hidden, "attention_mask": mask}
        )
        first_logits = outputs[0][:, -1]
        feeds = {"attention_mask": mask, **dict(zip(self._past, outputs[1:], strict=True))}
        done = np.zeros(ids.shape[0], dtype=bool)
        tokens: list[np.ndarray] = []
        for step in range(max_new_tokens):
            logits = outputs[0][:, -1]
            if step < min_new_tokens:
                logits = logits.copy()
                logits[:, self._eos] = -np.inf
            token = np.where(done, self._pad, logits.argmax(-1)).astype(np.int64)
            tokens.append(token)
            done |= token == self._eos
            if done.all():
                break
            feeds["decoder_input_ids"] = token[:, None]
            outputs = self._next.run(None, feeds)
            feeds.update(zip(self._self_past, outputs[1:], strict=True))  # only the self cache grows
        return np.stack(tokens, axis=1), first_logits
