"""Port: how big, how fast and how good a trained model is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from codemill.domain.model_speed import SpeedFigures
from codemill.domain.ports.model_trainer import TrainingJob


@dataclass(frozen=True, kw_only=True)
class ModelProfile:
    parameters: int
    size_bytes: int  # the weight files on disk
    speed: SpeedFigures  # on the CPU: p50 latency at batch 1, throughput at batch 32
    metrics: Mapping[str, float] = field(default_factory=dict)  # test split; empty unless asked


class ModelProfiler(Protocol):
    """Measures a model folder on the test split (else validation) of a job's dataset.

    Contract: the model is loaded from `model_dir` alone (safetensors, no
    remote code) and timed on the CPU with the job's input lengths;
    `evaluate` adds the task metrics, computed as the trainer computes them.
    """

    def profile(self, model_dir: str, job: TrainingJob, *, evaluate: bool) -> ModelProfile: ...
