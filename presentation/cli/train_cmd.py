"""`codemill train`: train a model on a dataset."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from dependency_injector.wiring import Provide, inject

from codemill.domain.lora import SPEC_HELP
from codemill.domain.training import PRESETS
from codemill.presentation.cli.options import json_option, overwrite_option
from codemill.presentation.cli.output import emit_json, render_table
from codemill.presentation.cli.training_options import training_config, training_options

if TYPE_CHECKING:
    from codemill.application.training.train_model import TrainModel


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
@click.option(
    "--revision",
    metavar="COMMIT",
    help="The hub commit (or tag) to load --model at; the run record keeps the resolved commit "
    "(model_revision). A hub name without it loads unpinned, with a warning; refused with a preset "
    "or folder.",
)
@training_options
@click.option(
    "--lora",
    default="",
    metavar="SPEC",
    help=f"Train LoRA adapters only ({SPEC_HELP}); targets default to q,v (T5) or query,value (BERT, "
    "RoBERTa); the export merges them into the model, checked, and keeps them in adapter/.",
)
@click.option("--resume", is_flag=True, help="Continue the run NAME from its latest valid checkpoint.")
@overwrite_option("model")
@json_option
@inject
def train_command(
    dataset: str,
    name: str,
    resume: bool,
    overwrite: bool,
    as_json: bool,
    model: str,
    lora: str,
    revision: str | None,
    use_case: TrainModel = Provide["train_model"],
    is_main_process: Callable[[], bool] = Provide["is_main_process"],
    prepare_reporter: Callable[[str], None] = Provide["prepare_reporter"],
    **budget: Any,
) -> None:
    """Train a model on DATASET and export the best checkpoint to models/NAME/.

    \b
    Examples:
      codemill train summaries --name t5-tiny --epochs 5
      codemill train cx --name cls --model small --eval-every 200 --patience 3
      codemill train cx --name cls --resume
      codemill train cx --name lora --model ./minilm --lora r=8,alpha=16,dropout=0.05
      MLFLOW_TRACKING_URI=sqlite:///mlflow.db codemill train cx --name cls --report-to mlflow
      torchrun --nproc_per_node 2 -m codemill train cx --name ddp
    """
    from codemill.application.training.train_model import TrainRequest

    config = dataclasses.replace(training_config(model, budget), lora=lora, revision=revision)
    prepare_reporter(config.report_to)
    request = TrainRequest(dataset=dataset, name=name, config=config, resume=resume, overwrite=overwrite)
    result = use_case.execute(request)
    if not is_main_process():
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
