"""Port: train a model on a dataset folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.dataset import TaskSpec
from domain.ports.progress import ProgressReporter
from domain.training import TrainingConfig, TrainingOutcome


@dataclass(frozen=True, kw_only=True)
class TrainingJob:
    """A training run as the trainer sees it: local folders only."""

    dataset_dir: str  # DatasetRepository.local_copy: data/ (DatasetDict), tokenizer/, label_map.json
    task: TaskSpec
    label_names: tuple[str, ...]
    config: TrainingConfig
    output_dir: str  # the run's local folder: checkpoints/ and metrics/ go here
    config_hash: str
    resume_from: str | None = None  # a local checkpoint folder to continue from


class ModelTrainer(Protocol):
    """Trains with the transformers Trainer (Seq2SeqTrainer for generation).

    Contract:
    - checkpoints go to `output_dir/checkpoints/checkpoint-STEP/` as safetensors,
      each with `codemill_checkpoint.json` (step, epoch, metrics, config hash,
      schema version, sha256 of every file); after each save only the best
      `keep_best` by the monitored metric and the latest `keep_latest` remain,
      and the best is never deleted;
    - a NaN or infinite loss stops the run (`diverged`), keeping the last good
      checkpoint; Ctrl-C saves a checkpoint and returns (`interrupted`);
    - under torchrun/accelerate (DDP) every rank trains and only rank 0 writes;
    - at the end the best checkpoint is evaluated on the test split (else validation).
    """

    def train(self, job: TrainingJob, progress: ProgressReporter) -> TrainingOutcome: ...
