"""TrainingConfig -> transformers TrainingArguments (Seq2SeqTrainingArguments for generation)."""

from __future__ import annotations

import logging
import os
from typing import Any, Literal

import torch
from transformers import Seq2SeqTrainingArguments, TrainingArguments

from codemill.domain.training import Precision, TrainingConfig
from codemill.infrastructure.training.model_needs import TaskKind

log = logging.getLogger("codemill.train")
MixedPrecision = Literal["fp32", "bf16", "fp16"]


def mixed_precision(precision: Precision, *, cuda: bool, bf16_supported: bool) -> MixedPrecision:
    """fp32 without CUDA, whatever was asked; on CUDA 'auto' and 'bf16' mean bf16 if supported, else fp16."""
    if not cuda or precision == "fp32":
        if precision in {"bf16", "fp16"}:
            log.warning("%s needs a CUDA device: training in fp32", precision)
        return "fp32"
    if precision == "fp16":
        return "fp16"
    return "bf16" if bf16_supported else "fp16"


def training_arguments(
    config: TrainingConfig, *, output_dir: str, kind: TaskKind, evaluate: bool, run_name: str | None = None
) -> TrainingArguments:
    """Arguments for one run; checkpoints go to `output_dir` as `checkpoint-STEP/`.

    `config.report_to` picks transformers' reporting integration ('none',
    'tensorboard', 'mlflow'); `run_name` names the run there.

    Evaluation and saving share one schedule (every `eval_every` steps, else
    every epoch), so each checkpoint carries the metrics of its own step.
    transformers keeps every checkpoint and loads none at the end: which
    ones stay, and which is best, is decided by our own policy.
    """
    cuda = torch.cuda.is_available()
    precision = mixed_precision(
        config.precision, cuda=cuda, bf16_supported=cuda and torch.cuda.is_bf16_supported()
    )
    options: dict[str, Any] = {
        "output_dir": output_dir,
        "num_train_epochs": config.epochs,
        "max_steps": config.max_steps or -1,
        "per_device_train_batch_size": config.batch_size,
        "per_device_eval_batch_size": config.eval_batch_size or config.batch_size,
        "gradient_accumulation_steps": config.gradient_accumulation,
        "learning_rate": config.learning_rate,
        "warmup_steps": config.warmup if config.warmup < 1 else int(config.warmup),
        "lr_scheduler_type": config.scheduler,
        "weight_decay": config.weight_decay,
        "max_grad_norm": config.max_grad_norm,
        "bf16": precision == "bf16",
        "fp16": precision == "fp16",
        "seed": config.seed,
        "logging_strategy": "steps",
        "logging_steps": config.logging_steps,
        "logging_nan_inf_filter": False,
        "report_to": config.report_to,
        "run_name": run_name,
        "save_total_limit": None,
        "load_best_model_at_end": False,
        "use_cpu": not cuda,
        "dataloader_num_workers": 0,
        "disable_tqdm": True,
        **_distributed(cuda),
        **_schedule(config, evaluate),
    }
    if kind != "seq2seq":
        return TrainingArguments(**options)
    return Seq2SeqTrainingArguments(
        **options,
        predict_with_generate=True,
        generation_max_length=config.generation_max_length,
        generation_num_beams=config.num_beams,
    )


def _distributed(cuda: bool) -> dict[str, Any]:
    """DDP settings, inert in a single process.

    A CPU run launched with several ranks (WORLD_SIZE > 1) talks over gloo
    (torch's MPI backend, when built in, would need an MPI launcher); a
    backend named in a single process would make accelerate expect a
    process group. Losses are not rescaled by the token count of all ranks:
    the preset heads (RoBERTa, T5) average their loss per batch and ignore
    that count, so the rescaling would multiply losses and gradients by the
    world size.
    """
    several_ranks = int(os.environ.get("WORLD_SIZE", "1")) > 1
    backend = "gloo" if several_ranks and not cuda else None
    return {"ddp_backend": backend, "average_tokens_across_devices": False}


def _schedule(config: TrainingConfig, evaluate: bool) -> dict[str, Any]:
    strategy = "epoch" if config.eval_every is None else "steps"
    steps = (
        {}
        if config.eval_every is None
        else {"eval_steps": config.eval_every, "save_steps": config.eval_every}
    )
    return {"eval_strategy": strategy if evaluate else "no", "save_strategy": strategy, **steps}
