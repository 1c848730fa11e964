"""ModelProfiler with transformers: parameters, weights on disk, CPU latency and throughput, test metrics."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import datasets
import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase, PrinterCallback, Seq2SeqTrainer, Trainer

from codemill.domain.model_speed import SpeedFigures
from codemill.domain.ports.model_profiler import ModelProfile
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.infrastructure.inference.quiet_libraries import library_bars_off
from codemill.infrastructure.inference.speed import measure_speed
from codemill.infrastructure.training.distillation.teacher import load_teacher
from codemill.infrastructure.training.encoding import collator, encode_splits, load_splits, load_tokenizer
from codemill.infrastructure.training.metric_functions import (
    code_target_scoring,
    metrics_function,
    unprefixed,
)
from codemill.infrastructure.training.model_needs import TaskKind, task_kind
from codemill.infrastructure.training.training_arguments import training_arguments


class HfModelProfiler:
    """ModelProfiler (see the port) on real inputs: the texts of the test split (else validation).

    Latency is the p50 per sample at batch 1 over `latency_samples` texts,
    throughput is measured on one padded batch of `batch_size` texts (cycled
    when the split is smaller); encoder-decoders are timed generating
    `generate_tokens` tokens. Metrics come from `Trainer.evaluate` with the
    job's settings, as the trainer scores a trained model.
    """

    def __init__(
        self, *, latency_samples: int = 32, batch_size: int = 32, repeats: int = 30, generate_tokens: int = 16
    ) -> None:
        self._latency_samples = latency_samples
        self._batch_size = batch_size
        self._repeats = repeats
        self._generate_tokens = generate_tokens

    def profile(self, model_dir: str, job: TrainingJob, *, evaluate: bool) -> ModelProfile:
        with library_bars_off():
            tokenizer = load_tokenizer(job.dataset_dir)
            raw = load_splits(job.dataset_dir)
            kind = task_kind(job.task, raw["train"].column_names)
            split = _scored_split(raw)
            model = load_teacher(model_dir)
            metrics = _evaluate(model, tokenizer, raw, split, kind, job) if evaluate else {}
            speed = self._speed(model.cpu(), tokenizer, list(raw[split]["text"]), job)
        return ModelProfile(
            parameters=sum(parameter.numel() for parameter in model.parameters()),
            size_bytes=sum(path.stat().st_size for path in Path(model_dir).rglob("*.safetensors")),
            speed=speed,
            metrics=metrics,
        )

    def _speed(
        self, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, texts: list[str], job: TrainingJob
    ) -> SpeedFigures:
        length = job.config.max_input_length
        samples = [
            dict(tokenizer(text, truncation=True, max_length=length, return_tensors="pt"))
            for text in texts[: self._latency_samples]
        ]
        batch_texts = [texts[index % len(texts)] for index in range(self._batch_size)]
        batch = tokenizer(batch_texts, truncation=True, max_length=length, padding=True, return_tensors="pt")
        tokens = min(self._generate_tokens, job.config.generation_max_length)
        return measure_speed(model, samples, batch=dict(batch), repeats=self._repeats, generate_tokens=tokens)


def _scored_split(raw: datasets.DatasetDict) -> str:
    """The split a trained model is scored on: test, else validation, else train."""
    return next((name for name in ("test", "validation") if len(raw.get(name, ())) > 0), "train")


def _evaluate(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    raw: datasets.DatasetDict,
    split: str,
    kind: TaskKind,
    job: TrainingJob,
) -> dict[str, float]:
    # One training row is enough for encode_splits to read the label names; the scored split is encoded whole.
    parts = datasets.DatasetDict({"train": raw["train"].select(range(1)), "test": raw[split]})
    splits = encode_splits(parts, tokenizer, kind, job.config)
    code = code_target_scoring(job.task, kind, splits.languages)
    if code is not None:
        code.evaluating("test")
    encoded = splits.test
    with tempfile.TemporaryDirectory(prefix="codemill-profile-") as scratch:
        config = dataclasses.replace(job.config, report_to="none")  # a measurement, not a run to report
        args = training_arguments(config, output_dir=scratch, kind=kind, evaluate=True)
        trainer_class: Any = Seq2SeqTrainer if kind == "seq2seq" else Trainer
        trainer = trainer_class(
            model=model,
            args=args,
            eval_dataset=encoded,
            data_collator=collator(kind, tokenizer, model),
            processing_class=tokenizer,
            compute_metrics=metrics_function(kind, tokenizer, code),
        )
        trainer.remove_callback(PrinterCallback)
        with torch.inference_mode():
            scores = trainer.evaluate(metric_key_prefix="test")
    return unprefixed(scores, "test")
