"""One rank of a DDP LoRA run on CPU: trains a tiny classifier's adapters and reports what it got.

Launched by torchrun (RANK, WORLD_SIZE set); writes `RESULTS/rank-RANK.json`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.ports.progress import NullProgress
from codemill.domain.training import TrainingConfig
from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer

CONFIG = TrainingConfig(
    model="tiny",
    lora="r=4,alpha=8,dropout=0.0",
    max_steps=4,
    eval_every=2,
    learning_rate=3e-3,
    batch_size=8,
    max_input_length=64,
    logging_steps=2,
)


def main(dataset_dir: str, output_dir: str, results_dir: str) -> None:
    torch.set_num_threads(1)
    labels = json.loads((Path(dataset_dir) / "label_map.json").read_text(encoding="utf-8"))["labels"]
    job = TrainingJob(
        dataset_dir=dataset_dir,
        task=TaskSpec(task=TaskType.CLASSIFICATION),
        label_names=tuple(labels),
        config=CONFIG,
        output_dir=output_dir,
        config_hash="ddp-lora",
    )
    outcome = HfModelTrainer().train(job, NullProgress())
    rank = int(os.environ["RANK"])
    result = {
        "rank": rank,
        "last_step": outcome.last.step if outcome.last else None,
        "metrics": dict(outcome.metrics),
        "lora": dict(outcome.lora),
        "best_model_dir": outcome.best_model_dir,
    }
    (Path(results_dir) / f"rank-{rank}.json").write_text(json.dumps(result), encoding="utf-8")
