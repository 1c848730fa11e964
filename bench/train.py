"""Training speed of HfModelTrainer against a plain transformers.Trainer on the same model and data.

Usage: python -m bench.train [--steps 200] [--batch-size 16] [--preset tiny|small] [--threads 1]
                             [--limit-mb 1.5] [--max-length 256] [--rounds 2]

Builds a classification dataset (code units labelled by their kind) from the
standard library with the real CollectData and BuildDataset (BPE tokenizer
included), then trains one preset for the same steps, --rounds times each,
alternating: (a) `HfModelTrainer` (callbacks, checkpoint records, pruning,
metrics) and (b) a stock `transformers.Trainer` with the same essentials
(batch size, steps, learning rate and schedule, seed, threads, evaluation
and checkpoint at the middle and the last step), both from the same
prepared inputs (encoded splits, a preset model built the same way). Each
run is a fresh process: warm-up costs both sides alike, peak RSS is per run.
Prints each side's best `train_samples_per_second` (the training loop with
its evaluations and saves), the ratio ours/plain (target >= 0.95), our whole
call's wall time (setup, final test evaluation and export included), peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.collect import copy_corpus
from codemill.application.collection.collect_data import CollectRequest
from codemill.application.datasets.build_dataset import BuildDatasetRequest
from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.training import TrainingConfig
from codemill.presentation.container import Container
from codemill.presentation.settings import Settings, StorageSettings

TASK = TaskSpec(task=TaskType.CLASSIFICATION, label_field="kind")


def build_dataset(
    root: Path, limit_mb: float, vocab_size: int, max_length: int, label_field: str = "kind"
) -> Path:
    """The standard library (up to limit_mb) -> a corpus -> classification by `label_field`; its folder."""
    container = Container()
    settings = Settings(storage=StorageSettings(root=root / "store"), cache_dir=root / "cache")
    container.settings.override(settings)
    copy_corpus(root / "src", int(limit_mb * 1e6), [])
    container.collect_data().execute(CollectRequest(sources=[str(root / "src")], name="std", security=False))
    task = TaskSpec(task=TaskType.CLASSIFICATION, label_field=label_field)
    request = BuildDatasetRequest(
        name="kinds", corpus="std", task=task, vocab_size=vocab_size, max_input_length=max_length
    )
    stats = container.build_dataset().execute(request).stats
    print(f"dataset: {stats.samples:,} samples, classification by {label_field}, vocab {vocab_size}")
    return Path(container.datasets().local_copy("kinds"))


def training_config(arguments: argparse.Namespace) -> TrainingConfig:
    checkpoint_every = max(1, arguments.steps // 2)
    return TrainingConfig(
        model=arguments.preset,
        max_steps=arguments.steps,
        batch_size=arguments.batch_size,
        learning_rate=5e-4,
        warmup=0.1,
        eval_every=checkpoint_every,
        max_input_length=arguments.max_length,
        max_eval_samples=256,
    )


def job_for(dataset_dir: Path, output_dir: Path, config: TrainingConfig) -> TrainingJob:
    labels = json.loads((dataset_dir / "label_map.json").read_text(encoding="utf-8"))["labels"]
    return TrainingJob(
        dataset_dir=str(dataset_dir),
        task=TASK,
        label_names=tuple(labels),
        config=config,
        output_dir=str(output_dir),
        config_hash="bench",
    )


def train_ours(job: TrainingJob) -> float:
    from codemill.domain.ports.progress import NullProgress
    from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer

    return HfModelTrainer().train(job, NullProgress()).samples_per_second


def plain_arguments(config: TrainingConfig, output_dir: str) -> Any:
    from transformers import TrainingArguments

    every = config.eval_every or 1
    return TrainingArguments(
        output_dir=output_dir,
        max_steps=config.max_steps or -1,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        warmup_steps=config.warmup,
        weight_decay=config.weight_decay,
        seed=config.seed,
        logging_steps=config.logging_steps,
        eval_strategy="steps",
        eval_steps=every,
        save_strategy="steps",
        save_steps=every,
        report_to="none",
        use_cpu=True,
        disable_tqdm=True,
    )


def train_plain(job: TrainingJob) -> float:
    from transformers import DataCollatorWithPadding, PrinterCallback, Trainer

    from codemill.infrastructure.inference.quiet_libraries import library_bars_off
    from codemill.infrastructure.training.training_setup import prepare_run

    with library_bars_off():
        run = prepare_run(job)
        trainer = Trainer(
            model=run.model,
            args=plain_arguments(job.config, job.output_dir),
            train_dataset=run.splits.train,
            eval_dataset=run.splits.validation,
            data_collator=DataCollatorWithPadding(run.tokenizer),
        )
        trainer.remove_callback(PrinterCallback)  # as ours does: no log line on stdout per logging step
        return float(trainer.train().metrics["train_samples_per_second"])


def trial(
    kind: str, dataset_dir: Path, output_dir: Path, config: TrainingConfig, threads: int
) -> dict[str, Any]:
    """One run in this (fresh) process: samples/s, wall seconds, peak RSS in MB."""
    import torch
    from transformers import set_seed

    torch.set_num_threads(threads)
    set_seed(config.seed)  # the preset model's initial weights
    job = job_for(dataset_dir, output_dir, config)
    started = time.perf_counter()
    samples_per_second = train_ours(job) if kind == "ours" else train_plain(job)
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "samples_per_s": samples_per_second, "wall_s": wall, "peak_rss_mb": peak_mb}


def run_rounds(dataset_dir: Path, root: Path, arguments: argparse.Namespace) -> list[dict[str, Any]]:
    config = training_config(arguments)
    results = []
    for index in range(arguments.rounds):
        for kind in ("ours", "plain") if index % 2 == 0 else ("plain", "ours"):
            output = root / f"{kind}-{index}"
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as fresh:
                result = fresh.submit(trial, kind, dataset_dir, output, config, arguments.threads).result()
            print(
                f"  round {index + 1} {kind:5s} {result['samples_per_s']:8.1f} samples/s  "
                f"wall {result['wall_s']:6.1f} s  peak RSS {result['peak_rss_mb']:6.0f} MB"
            )
            results.append(result)
    return results


def report(results: list[dict[str, Any]]) -> None:
    def best(kind: str, figure: str, pick: Any = max) -> float:
        return float(pick(r[figure] for r in results if r["kind"] == kind))

    ours, plain = best("ours", "samples_per_s"), best("plain", "samples_per_s")
    verdict = "met" if ours >= 0.95 * plain else "NOT met"
    print(f"HfModelTrainer    {ours:8.1f} samples/s (best; whole call {best('ours', 'wall_s', min):.1f} s)")
    print(f"plain Trainer     {plain:8.1f} samples/s (best)")
    print(f"ratio ours/plain  {ours / plain:8.3f}  (target >= 0.95: {verdict})")
    rss = {kind: best(kind, "peak_rss_mb") for kind in ("ours", "plain")}
    print(f"peak RSS          ours {rss['ours']:.0f} MB, plain {rss['plain']:.0f} MB")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--steps", type=int, default=200)
    options.add_argument("--batch-size", type=int, default=16)
    options.add_argument("--preset", choices=["tiny", "small"], default="tiny")
    options.add_argument("--threads", type=int, default=1)
    options.add_argument("--limit-mb", type=float, default=1.5)
    options.add_argument("--vocab-size", type=int, default=4000)
    options.add_argument("--max-length", type=int, default=256)
    options.add_argument("--rounds", type=int, default=2)
    args = options.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    with tempfile.TemporaryDirectory(prefix="codemill-bench-") as tmp:
        dataset_dir = build_dataset(Path(tmp), args.limit_mb, args.vocab_size, args.max_length)
        print(
            f"training: preset {args.preset}, {args.steps} steps of {args.batch_size}, {args.threads} threads"
        )
        report(run_rounds(dataset_dir, Path(tmp), args))


if __name__ == "__main__":
    main()
