"""How fast a model answers: latency at batch 1 and throughput at a larger batch."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeedFigures:
    """Milliseconds per sample at batch 1 (after warm-up) and samples per second at `batch_size`."""

    device: str
    latency_p50_ms: float
    latency_p95_ms: float
    latency_p99_ms: float
    throughput_per_s: float
    batch_size: int
    samples: int  # timed batch-1 calls

    def speedup_over(self, slower: SpeedFigures) -> float:
        """How many times lower this model's p50 latency is than `slower`'s."""
        return slower.latency_p50_ms / self.latency_p50_ms if self.latency_p50_ms > 0 else 0.0


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation, as numpy's default; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
