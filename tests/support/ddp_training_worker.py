"""One rank of a DDP training run on CPU: trains with HfModelTrainer and reports what it saw and wrote.

Launched by torchrun (RANK, WORLD_SIZE set). Every rank trains on the same
dataset folder and the same run folder; the functions that write run
artifacts (checkpoint records, pruning, the best model export) are wrapped so
that each rank lists the writes it made itself in `results/rank-RANK.json`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist

from domain.ports.progress import NullProgress
from domain.training import TrainingOutcome
from infrastructure.training import checkpoint_callback, hf_model_trainer
from infrastructure.training.checkpoint_manager import LocalCheckpointManager
from tests.integration.training.training_data import CLASSIFICATION, training_job

MAX_STEPS, EVAL_EVERY = 12, 4


class SpyingCheckpointManager(LocalCheckpointManager):
    """Lists every prune that deletes something."""

    def __init__(self, writes: list[str]) -> None:
        self.writes = writes

    def prune(self, folder: str, keep: set[int]) -> list[int]:
        deleted = super().prune(folder, keep)
        if deleted:
            self.writes.append(f"prune {sorted(deleted)}")
        return deleted


def spy_on_writes(writes: list[str]) -> None:
    """Wrap the record writer and the best model export where the trainer looks them up."""

    def spied(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(folder: Path, *args: Any, **kwargs: Any) -> Any:
            writes.append(f"{name} {Path(folder).name}")
            return function(folder, *args, **kwargs)

        return call

    checkpoint_callback.write_record = spied("record", checkpoint_callback.write_record)  # type: ignore[assignment]
    hf_model_trainer.export_best_model = spied("export", hf_model_trainer.export_best_model)  # type: ignore[assignment]


def report(outcome: TrainingOutcome, writes: list[str]) -> dict[str, Any]:
    losses = [entry["loss"] for entry in outcome.history if "loss" in entry]
    return {
        "rank": int(os.environ["RANK"]),
        "initialised": dist.is_initialized(),
        "world_size": dist.get_world_size() if dist.is_initialized() else 1,
        "backend": dist.get_backend() if dist.is_initialized() else None,
        "last_train_loss": losses[-1] if losses else None,
        "best_step": outcome.best.step if outcome.best else None,
        "best_metrics": dict(outcome.best.metrics) if outcome.best else {},
        "metrics": dict(outcome.metrics),
        "best_model_dir": outcome.best_model_dir,
        "writes": writes,
    }


def main(dataset_dir: str, output_dir: str, results_dir: str) -> None:
    torch.set_num_threads(1)
    writes: list[str] = []
    spy_on_writes(writes)
    job = training_job(
        Path(dataset_dir),
        CLASSIFICATION,
        Path(output_dir),
        max_steps=MAX_STEPS,
        eval_every=EVAL_EVERY,
        learning_rate=3e-3,
        batch_size=8,
    )
    outcome = hf_model_trainer.HfModelTrainer(SpyingCheckpointManager(writes)).train(job, NullProgress())
    result = report(outcome, writes)
    if dist.is_initialized():
        dist.destroy_process_group()
    path = Path(results_dir) / f"rank-{result['rank']}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:4])
