"""The training budget options shared by `codemill train` and `codemill distill`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

from codemill.domain.training import REPORT_TO, TrainingConfig

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = (
    click.option("--epochs", default=3.0, show_default=True, type=float, help="Training epochs."),
    click.option(
        "--max-steps",
        type=click.IntRange(min=1),
        help="Stop after this many optimizer steps (wins over --epochs).",
    ),
    click.option("--batch-size", default=16, show_default=True, type=click.IntRange(min=1)),
    click.option(
        "--grad-accum",
        default=1,
        show_default=True,
        type=click.IntRange(min=1),
        help="Gradient accumulation.",
    ),
    click.option(
        "--lr", "learning_rate", default=5e-4, show_default=True, type=float, help="Peak learning rate."
    ),
    click.option(
        "--warmup", default=0.1, show_default=True, type=float, help="Warmup: < 1 is a ratio, >= 1 steps."
    ),
    click.option("--scheduler", type=click.Choice(["linear", "cosine"]), default="linear", show_default=True),
    click.option("--weight-decay", default=0.01, show_default=True, type=float),
    click.option(
        "--precision",
        type=click.Choice(["auto", "fp32", "bf16", "fp16"]),
        default="auto",
        show_default=True,
        help="auto: bf16/fp16 on CUDA, fp32 on CPU.",
    ),
    click.option("--seed", default=42, show_default=True),
    click.option(
        "--eval-every",
        type=click.IntRange(min=1),
        help="Evaluate and checkpoint every N steps (default: each epoch).",
    ),
    click.option(
        "--metric",
        default="",
        help=(
            "Metric to monitor (loss, accuracy, macro_f1, mcc, bleu4, exact_match, token_f1; "
            "ast_validity, ngram_similarity when the target is code)."
        ),
    ),
    click.option(
        "--mode", type=click.Choice(["min", "max"]), help="Whether lower or higher --metric is better."
    ),
    click.option(
        "--patience", type=click.IntRange(min=1), help="Early stopping: evaluations without improvement."
    ),
    click.option("--keep-best", default=1, show_default=True, type=click.IntRange(min=1)),
    click.option("--keep-latest", default=1, show_default=True, type=click.IntRange(min=1)),
    click.option("--max-input-length", default=512, show_default=True, type=click.IntRange(min=8)),
    click.option("--max-target-length", default=64, show_default=True, type=click.IntRange(min=2)),
    click.option(
        "--num-beams", default=1, show_default=True, type=click.IntRange(min=1), help="Beams for generation."
    ),
    click.option(
        "--report-to",
        type=click.Choice(REPORT_TO),
        default="none",
        show_default=True,
        help="Also send the logged metrics, live, to TensorBoard (WORK_DIR/runs/NAME/tensorboard/live/) or "
        "MLflow (a run named NAME where MLFLOW_TRACKING_URI points, in MLFLOW_EXPERIMENT_NAME). "
        "Needs pip install 'codemill[track]'.",
    ),
)


def training_options(func: F) -> F:
    """Every training budget option (epochs, steps, batch, learning rate, ...), in this order in --help."""
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


def training_config(model: str, options: Mapping[str, Any]) -> TrainingConfig:
    """The TrainingConfig of the options that `training_options` added."""
    return TrainingConfig(
        model=model,
        epochs=options["epochs"],
        max_steps=options["max_steps"],
        batch_size=options["batch_size"],
        gradient_accumulation=options["grad_accum"],
        learning_rate=options["learning_rate"],
        warmup=options["warmup"],
        scheduler=options["scheduler"],
        weight_decay=options["weight_decay"],
        precision=options["precision"],
        seed=options["seed"],
        eval_every=options["eval_every"],
        metric=options["metric"],
        mode=options["mode"],
        early_stopping_patience=options["patience"],
        keep_best=options["keep_best"],
        keep_latest=options["keep_latest"],
        max_input_length=options["max_input_length"],
        max_target_length=options["max_target_length"],
        generation_max_length=options["max_target_length"],
        num_beams=options["num_beams"],
        report_to=options["report_to"],
    )
