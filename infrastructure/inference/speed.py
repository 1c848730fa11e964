"""Latency and throughput of a loaded model on real inputs, after warm-up, on its device."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from transformers import PreTrainedModel

from codemill.domain.model_speed import SpeedFigures, percentile

Inputs = Mapping[str, torch.Tensor]


def measure_speed(
    model: PreTrainedModel,
    samples: Sequence[Inputs],
    *,
    batch: Inputs,
    warmup: int = 3,
    repeats: int = 30,
    generate_tokens: int | None = None,
) -> SpeedFigures:
    """Time `model` on single `samples` (batch 1, cycled `repeats` times) and on `batch` (throughput).

    `samples` are tokenized inputs of one sample each (batch dimension 1);
    `batch` is one padded batch. Encoder-decoder models are timed through
    `generate` with `generate_tokens` new tokens (greedy), others through a
    forward pass. Runs in eval mode without gradients on the model's device.
    """
    if not samples:
        raise ValueError("measure_speed needs at least one sample")
    device = next(model.parameters()).device
    model.eval()  # type: ignore[no-untyped-call]
    run = _runner(model, generate_tokens)
    with torch.inference_mode():
        for index in range(max(warmup, 1)):
            run(_to(samples[index % len(samples)], device))
        timings = []
        for index in range(repeats):
            inputs = _to(samples[index % len(samples)], device)
            start = time.perf_counter()
            run(inputs)
            _sync(device)
            timings.append((time.perf_counter() - start) * 1000.0)
        batched = _to(batch, device)
        run(batched)  # warm-up at the batch shape
        rounds, start = 0, time.perf_counter()
        while rounds < 3 or time.perf_counter() - start < 0.5:
            run(batched)
            _sync(device)
            rounds += 1
        elapsed = time.perf_counter() - start
    size = int(next(iter(batch.values())).shape[0])
    return SpeedFigures(
        device=str(device),
        latency_p50_ms=percentile(timings, 50),
        latency_p95_ms=percentile(timings, 95),
        latency_p99_ms=percentile(timings, 99),
        throughput_per_s=rounds * size / elapsed if elapsed > 0 else 0.0,
        batch_size=size,
        samples=len(timings),
    )


def _runner(model: PreTrainedModel, generate_tokens: int | None) -> Callable[[dict[str, torch.Tensor]], Any]:
    if model.config.is_encoder_decoder:
        tokens = generate_tokens or 16
        return lambda inputs: model.generate(  # type: ignore[operator]
            **inputs, max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False, num_beams=1
        )
    return lambda inputs: model(**inputs)


def _to(inputs: Inputs, device: torch.device) -> dict[str, torch.Tensor]:
    return {key: value.to(device) for key, value in inputs.items()}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
