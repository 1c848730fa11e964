"""Calibration and the time of a full validation, on a model trained like bench/train.py trains it.

Usage: python -m bench.validate [--epochs 15] [--preset tiny] [--threads 1] [--limit-mb 3]
                                [--vocab-size 4000] [--max-length 64] [--batch-size 16] [--lr 3e-3]
                                [--model-from last|best]

Builds the classification dataset of bench/train.py (code units of the
standard library labelled by their kind, BPE tokenizer) with the real
CollectData and BuildDataset, trains a preset with HfModelTrainer for
--epochs (long enough for a small model to grow over-confident), then runs
the full ValidateModel (integrity, load, inference, performance, quality,
calibration) on the model of the last checkpoint (or, with --model-from
best, the exported best one, selected by validation loss, which is far
better calibrated to begin with). Prints the checks, the expected
calibration error (15 bins) on the test split before and after temperature
scaling fitted on the validation split, the ratio ECE_after / ECE_before
(target <= 0.5), and the wall time of the validation.

The defaults give splits of a few hundred samples each (ECE on a few dozen
is noise) and train long enough, at a high learning rate, for the tiny
model to grow over-confident, which is what temperature scaling corrects.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.train import build_dataset, job_for
from codemill.domain.training import TrainingConfig


def train(
    dataset_dir: Path, root: Path, arguments: argparse.Namespace
) -> tuple[str, dict[str, float], float]:
    """Train; the model folder of the last checkpoint (over-confident after many epochs) or of the best."""
    from codemill.domain.ports.progress import NullProgress
    from codemill.infrastructure.training.best_model_export import export_best_model
    from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer

    config = TrainingConfig(
        model=arguments.preset,
        epochs=arguments.epochs,
        batch_size=arguments.batch_size,
        learning_rate=arguments.lr,
        warmup=0.05,
        weight_decay=0.0,
        max_input_length=arguments.max_length,
        metric="loss",
    )
    started = time.perf_counter()
    outcome = HfModelTrainer().train(job_for(dataset_dir, root / "run", config), NullProgress())
    assert outcome.best_model_dir is not None and outcome.last is not None, "training exported no model"
    elapsed = time.perf_counter() - started
    if arguments.model_from == "best":
        return outcome.best_model_dir, dict(outcome.metrics), elapsed
    last = export_best_model(Path(outcome.last.location), root / "last_model")
    return str(last), dict(outcome.last.metrics), elapsed


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--epochs", type=float, default=15.0)
    options.add_argument("--preset", choices=["tiny", "small"], default="tiny")
    options.add_argument("--threads", type=int, default=1)
    options.add_argument("--limit-mb", type=float, default=3.0)
    options.add_argument("--vocab-size", type=int, default=4000)
    options.add_argument(
        "--label-field", default="kind", help="corpus field to classify: kind, complexity_rank, language ..."
    )
    options.add_argument("--max-length", type=int, default=64)
    options.add_argument("--batch-size", type=int, default=16)
    options.add_argument("--lr", type=float, default=3e-3)
    options.add_argument(
        "--model-from", choices=["last", "best"], default="last", help="last: the final epoch's weights"
    )
    args = options.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    from codemill.application.validation.validate_model import ValidateRequest
    from codemill.presentation.container import Container
    from codemill.presentation.settings import Settings, StorageSettings

    with tempfile.TemporaryDirectory(prefix="codemill-bench-") as tmp:
        root = Path(tmp)
        dataset_dir = build_dataset(root, args.limit_mb, args.vocab_size, args.max_length, args.label_field)
        model_dir, metrics, train_s = train(dataset_dir, root, args)
        shown = ", ".join(f"{k} {v:.4f}" for k, v in sorted(metrics.items()))
        print(f"training: preset {args.preset}, {args.epochs:g} epochs in {train_s:.1f} s")
        print(f"validated: the {args.model_from} checkpoint's model ({shown} on validation/test)")
        container = Container()
        settings = Settings(storage=StorageSettings(root=root / "store"), cache_dir=root / "cache")
        container.settings.override(settings)
        started = time.perf_counter()
        report = container.validate_model().execute(
            ValidateRequest(model=model_dir, dataset="kinds", device="cpu")
        )
        elapsed = time.perf_counter() - started
        for check in report.checks:
            print(f"  {check.name:12s} {check.status:5s} {check.details}")
        figures = next(c for c in report.checks if c.name == "calibration").figures
        before, after = figures.get("ece_before"), figures.get("ece_after")
        if before is None or after is None:
            print("calibration was not measured")
        else:
            ratio = after / before if before else float("nan")
            verdict = "met" if ratio <= 0.5 else "NOT met"
            print(f"ECE before        {before:.4f}  (15 bins, test split)")
            print(f"ECE after         {after:.4f}  (T = {figures['temperature']:.3f}, fitted on validation)")
            print(f"ratio after/before {ratio:.3f}  (target <= 0.5: {verdict})")
        print(f"full validation   {elapsed:.1f} s ({'passed' if report.passed else 'FAILED'})")


if __name__ == "__main__":
    main()
