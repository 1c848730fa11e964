"""One rank of a DDP training run on CPU: trains with HfModelTrainer and reports what it saw and wrote.

Launched by torchrun (RANK, WORLD_SIZE set). Every rank trains on the same
dataset folder into the same run folder. The functions that write run
artifacts (checkpoint records, pruning, the best model export) are wrapped so
that each rank lists the writes it made itself in `RESULTS/rank-RANK.json`.
Rank 1 writes its share of each checkpoint (its RNG state) late, so a rank 0
that records a checkpoint without waiting for it would miss that file.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from transformers import Trainer

from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.ports.progress import NullProgress
from codemill.domain.training import TrainingConfig, TrainingOutcome
from codemill.infrastructure.training import checkpoint_callback, hf_model_trainer
from codemill.infrastructure.training.checkpoint_manager import LocalCheckpointManager

CONFIG = TrainingConfig(
    max_steps=12, eval_every=4, learning_rate=3e-3, batch_size=8, max_input_length=64, logging_steps=4
)
RANK_ONE_DELAY_S = 1.0


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

    for name, module, attribute in (
        ("record", checkpoint_callback, "write_record"),
        ("export", hf_model_trainer, "export_best_model"),
    ):
        setattr(module, attribute, spied(name, getattr(module, attribute)))


def late_rng_state_on_rank_one() -> None:
    if os.environ["RANK"] != "1":
        return
    save = Trainer._save_rng_state

    def late(self: Trainer, output_dir: str) -> None:
        time.sleep(RANK_ONE_DELAY_S)
        save(self, output_dir)

    Trainer._save_rng_state = late  # type: ignore[method-assign]


def classification_job(dataset_dir: Path, output_dir: Path) -> TrainingJob:
    label_map = json.loads((dataset_dir / "label_map.json").read_text(encoding="utf-8"))
    return TrainingJob(
        dataset_dir=str(dataset_dir),
        task=TaskSpec(task=TaskType.CLASSIFICATION),
        label_names=tuple(label_map["labels"]),
        config=CONFIG,
        output_dir=str(output_dir),
        config_hash="ddp",
    )


def record_group_before_leaving(group: dict[str, Any]) -> None:
    """The trainer closes the process group when it returns: note what it was just before."""
    leave = hf_model_trainer._leave_process_group

    def noted() -> None:
        group["initialised"] = dist.is_initialized()
        group["world_size"] = dist.get_world_size() if dist.is_initialized() else 1
        group["backend"] = dist.get_backend() if dist.is_initialized() else None
        leave()

    hf_model_trainer._leave_process_group = noted


def report(outcome: TrainingOutcome, writes: list[str], group: dict[str, Any]) -> dict[str, Any]:
    losses = [entry["loss"] for entry in outcome.history if "loss" in entry]
    return {
        "rank": int(os.environ["RANK"]),
        **group,
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
    late_rng_state_on_rank_one()
    group: dict[str, Any] = {}
    record_group_before_leaving(group)
    trainer = hf_model_trainer.HfModelTrainer(SpyingCheckpointManager(writes))
    outcome = trainer.train(classification_job(Path(dataset_dir), Path(output_dir)), NullProgress())
    result = report(outcome, writes, group)
    assert not dist.is_initialized(), "the trainer leaves the process group when it returns"
    path = Path(results_dir) / f"rank-{result['rank']}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=True), encoding="utf-8")
