"""`codemill train`: train a model on a dataset."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click
from dependency_injector.wiring import Provide, inject

from domain.training import PRESETS
from presentation.cli.options import json_option
from presentation.cli.output import emit_json, render_table

if TYPE_CHECKING:
    from application.use_cases.train_model import TrainModel


@click.command("train")
@click.argument("dataset")
@click.option(
    "--name", required=True, help="Run name: checkpoints go to runs/NAME/, the best model to models/NAME/."
)
@click.option(
    "--model",
    default="tiny",
    show_default=True,
    help=f"A from-scratch preset ({', '.join(PRESETS)}) or a hub name / local path.",
)
@click.option("--epochs", default=3.0, show_default=True, type=float, help="Training epochs.")
@click.option(
    "--max-steps",
    type=click.IntRange(min=1),
    help="Stop after this many optimizer steps (wins over --epochs).",
)
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--grad-accum", default=1, show_default=True, type=click.IntRange(min=1), help="Gradient accumulation."
)
@click.option(
    "--lr", "learning_rate", default=5e-4, show_default=True, type=float, help="Peak learning rate."
)
@click.option(
    "--warmup", default=0.1, show_default=True, type=float, help="Warmup: < 1 is a ratio, >= 1 steps."
)
@click.option("--scheduler", type=click.Choice(["linear", "cosine"]), default="linear", show_default=True)
@click.option("--weight-decay", default=0.01, show_default=True, type=float)
@click.option(
    "--precision",
    type=click.Choice(["auto", "fp32", "bf16", "fp16"]),
    default="auto",
    show_default=True,
    help="auto: bf16/fp16 on CUDA, fp32 on CPU.",
)
@click.option("--seed", default=42, show_default=True)
@click.option(
    "--eval-every",
    type=click.IntRange(min=1),
    help="Evaluate and checkpoint every N steps (default: each epoch).",
)
@click.option(
    "--metric",
    default="",
    help="Metric to monitor (loss, accuracy, macro_f1, mcc, bleu4, exact_match, token_f1).",
)
@click.option("--mode", type=click.Choice(["min", "max"]), help="Whether lower or higher --metric is better.")
@click.option(
    "--patience", type=click.IntRange(min=1), help="Early stopping: evaluations without improvement."
)
@click.option("--keep-best", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--keep-latest", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--max-input-length", default=512, show_default=True, type=click.IntRange(min=8))
@click.option("--max-target-length", default=64, show_default=True, type=click.IntRange(min=2))
@click.option(
    "--num-beams", default=1, show_default=True, type=click.IntRange(min=1), help="Beams for generation."
)
@click.option("--resume", is_flag=True, help="Continue the run NAME from its latest valid checkpoint.")
@json_option
@inject
def train_command(
    dataset: str,
    name: str,
    resume: bool,
    as_json: bool,
    model: str,
    epochs: float,
    max_steps: int | None,
    batch_size: int,
    grad_accum: int,
    learning_rate: float,
    warmup: float,
    scheduler: str,
    weight_decay: float,
    precision: str,
    seed: int,
    eval_every: int | None,
    metric: str,
    mode: str | None,
    patience: int | None,
    keep_best: int,
    keep_latest: int,
    max_input_length: int,
    max_target_length: int,
    num_beams: int,
    use_case: TrainModel = Provide["train_model"],
) -> None:
    """Train a model on DATASET and export the best checkpoint to models/NAME/.

    \b
    Examples:
      codemill train summaries --name t5-tiny --epochs 5
      codemill train cx --name cls --model small --eval-every 200 --patience 3
      codemill train cx --name cls --resume
      torchrun --nproc_per_node 2 -m presentation.cli.main train cx --name ddp
    """
    from application.use_cases.train_model import TrainRequest
    from domain.training import TrainingConfig

    config = TrainingConfig(
        model=model,
        epochs=epochs,
        max_steps=max_steps,
        batch_size=batch_size,
        gradient_accumulation=grad_accum,
        learning_rate=learning_rate,
        warmup=warmup,
        scheduler=scheduler,  # type: ignore[arg-type]
        weight_decay=weight_decay,
        precision=precision,  # type: ignore[arg-type]
        seed=seed,
        eval_every=eval_every,
        metric=metric,
        mode=mode,  # type: ignore[arg-type]
        early_stopping_patience=patience,
        keep_best=keep_best,
        keep_latest=keep_latest,
        max_input_length=max_input_length,
        max_target_length=max_target_length,
        generation_max_length=max_target_length,
        num_beams=num_beams,
    )
    result = use_case.execute(TrainRequest(dataset=dataset, name=name, config=config, resume=resume))
    if os.environ.get("RANK", "0") != "0":
        return  # under DDP only the main process reports
    payload = {
        "name": result.name,
        "status": result.status,
        "best_step": result.best_step,
        "metrics": result.metrics,
        "samples_per_second": result.samples_per_second,
        "model": f"models/{result.name}" if result.model_manifest else None,
    }
    if as_json:
        emit_json(payload)
        return
    rows = [{"metric": k, "value": v} for k, v in sorted(result.metrics.items())]
    if rows:
        click.echo(render_table(rows, ["metric", "value"]))
    click.echo(_status_line(payload))


def _status_line(payload: dict[str, Any]) -> str:
    status = payload["status"]
    if status == "interrupted":
        return f"run {payload['name']} interrupted; a checkpoint was saved: rerun with --resume to continue"
    if status == "diverged":
        return f"run {payload['name']} stopped: the loss became NaN or infinite; kept the last good one"
    where = payload["model"] or "(no model exported)"
    return (
        f"run {payload['name']} {status}: best step {payload['best_step']}, "
        f"{payload['samples_per_second']:.1f} samples/s, model in {where}"
    )
