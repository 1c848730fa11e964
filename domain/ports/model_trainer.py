"""Port: train a model on a dataset folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from codemill.domain.dataset import TaskSpec
from codemill.domain.distillation import DistillationConfig
from codemill.domain.ports.progress import ProgressReporter
from codemill.domain.training import TrainingConfig, TrainingOutcome


@dataclass(frozen=True, kw_only=True)
class DistillationJob:
    """A teacher to learn from: the student is `TrainingJob.config.model` (a preset, a path, or 'half')."""

    teacher_dir: str  # a local model folder (config, safetensors weights, tokenizer)
    config: DistillationConfig
    cache_dir: str | None = None  # the teacher's top-k outputs: read when complete, else written here


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
    distillation: DistillationJob | None = None  # train the model to match a teacher
    name: str = ""  # the run's name, which reporting integrations (MLflow) give their run too


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
    - at the end the best checkpoint is evaluated on the test split (else validation);
    - with `distillation`, the loss combines the configured components against
      the teacher's outputs (cached in `cache_dir` when the config allows);
      evaluation still measures the student's own loss and metrics; rank 0 logs
      each optimizer step to `output_dir/distill_log.csv`, listed in the
      outcome's `run_files` (published with the run);
    - `config.report_to` ('tensorboard', 'mlflow') also sends what is logged,
      as it is logged, to that integration, under the run's `name`; its
      package missing is an InputError before any work.
    """

    def train(self, job: TrainingJob, progress: ProgressReporter) -> TrainingOutcome: ...
