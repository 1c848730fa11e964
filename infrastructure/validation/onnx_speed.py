"""CPU speed of an ONNX Runtime model: latency of single inputs, throughput of one batch."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from codemill.domain.model_speed import SpeedFigures, percentile

Feeds = TypeVar("Feeds")
_WARM_UP, _SINGLES, _MIN_ROUNDS, _MIN_SECONDS = 3, 30, 3, 0.5


def onnx_speed(
    run: Callable[[Feeds], object], singles: Sequence[Feeds], batch: Feeds, batch_size: int
) -> SpeedFigures:
    """`run` over a few warm-up singles, then 30 timed singles (p50/p95/p99), then the batch for at least
    three rounds and half a second (throughput)."""
    for feeds in singles[:_WARM_UP]:
        run(feeds)
    timings = []
    for index in range(_SINGLES):
        start = time.perf_counter()
        run(singles[index % len(singles)])
        timings.append((time.perf_counter() - start) * 1000.0)
    rounds, start = 0, time.perf_counter()
    while rounds < _MIN_ROUNDS or time.perf_counter() - start < _MIN_SECONDS:
        run(batch)
        rounds += 1
    elapsed = time.perf_counter() - start
    return SpeedFigures(
        device="cpu (onnxruntime)",
        latency_p50_ms=percentile(timings, 50),
        latency_p95_ms=percentile(timings, 95),
        latency_p99_ms=percentile(timings, 99),
        throughput_per_s=rounds * batch_size / elapsed if elapsed > 0 else 0.0,
        batch_size=batch_size,
        samples=len(timings),
    )
