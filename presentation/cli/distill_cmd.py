"""`codemill distill`: train a smaller student to match a trained teacher."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from dependency_injector.wiring import Provide, inject

from codemill.domain.distillation import LOSS_PRESETS, LOSSES, SCHEDULES, STUDENT_HALF
from codemill.domain.training import PRESETS
from codemill.presentation.cli.options import json_option, overwrite_option
from codemill.presentation.cli.output import emit_json, render_table
from codemill.presentation.cli.training_options import training_config, training_options

if TYPE_CHECKING:
    from codemill.application.distillation.distill_model import DistillModel
    from codemill.domain.distillation import DistillationConfig


@click.command("distill")
@click.option(
    "--teacher",
    required=True,
    help="The model to learn from: registry:NAME@ALIAS or registry:NAME/VERSION; else a model in storage "
    "(models/TEACHER), else a local model folder (config.json, safetensors weights, tokenizer), else a hub "
    "name (org/name). Build the dataset with its tokenizer (dataset build --tokenizer).",
)
@click.option(
    "--teacher-revision",
    metavar="COMMIT",
    help="The hub commit (or tag) to load a hub --teacher at; the run record keeps the resolved commit "
    "(teacher_revision). A hub teacher without it loads unpinned, with a warning; refused with any other.",
)
@click.option(
    "--dataset", required=True, help="The dataset to distill on (the teacher's task and tokenizer)."
)
@click.option(
    "--student",
    default="tiny",
    show_default=True,
    help=f"A from-scratch preset ({', '.join(PRESETS)}), '{STUDENT_HALF}' (the teacher with half its "
    "layers) or a local model folder.",
)
@click.option("--name", required=True, help="Student run name: runs/NAME/ and models/NAME/.")
@training_options
@click.option(
    "--loss",
    "losses",
    multiple=True,
    metavar="NAME=WEIGHT",
    help=f"A loss component and its weight, repeatable ({', '.join(LOSSES)}). Default: ce=0.5 kl=0.5.",
)
@click.option("--alpha", type=click.FloatRange(0, 1), help="Shorthand: kl=ALPHA, ce=1-ALPHA.")
@click.option(
    "--loss-preset",
    "preset",
    type=click.Choice(list(LOSS_PRESETS)),
    help="Weights and a linear schedule in one: trident = focal + jsd + semantic (semantic 0.1 -> 0.35), "
    "trident+contrastive adds contrastive (0.1 -> 0.2). Not with --loss, --alpha, --end-loss, --schedule "
    "or --hidden.",
)
@click.option(
    "--schedule",
    type=click.Choice(list(SCHEDULES)),
    help="How the weights move over training (default constant; linear with --end-loss).",
)
@click.option(
    "--end-loss", "end_losses", multiple=True, metavar="NAME=WEIGHT", help="Weights at the end (linear)."
)
@click.option(
    "--temperature", default=2.0, show_default=True, type=float, help="Softens kl and jsd (scaled by T^2)."
)
@click.option("--focal-gamma", default=2.0, show_default=True, type=float, help="Focusing of the focal loss.")
@click.option(
    "--semantic-scale",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="semantic = SCALE x (1 - cosine) of the pooled student and teacher representations.",
)
@click.option(
    "--contrastive-temperature",
    default=0.1,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Divides the cosine similarities of the in-batch contrastive (InfoNCE) loss.",
)
@click.option(
    "--hidden",
    type=click.Choice(["mse", "cosine"]),
    help="Match the last hidden states (adds hidden=1 unless --loss names it); runs the teacher online.",
)
@click.option(
    "--top-k", default=32, show_default=True, type=click.IntRange(min=1), help="Teacher outputs cached."
)
@click.option("--no-cache", is_flag=True, help="Run the teacher online instead of caching its outputs.")
@click.option(
    "--init-from-teacher", is_flag=True, help="Copy every other teacher layer into a student as wide."
)
@click.option("--resume", is_flag=True, help="Continue the run NAME from its latest valid checkpoint.")
@overwrite_option("model")
@json_option
@inject
def distill_command(
    teacher: str,
    teacher_revision: str | None,
    dataset: str,
    student: str,
    name: str,
    resume: bool,
    overwrite: bool,
    as_json: bool,
    use_case: DistillModel = Provide["distill_model"],
    is_main_process: Callable[[], bool] = Provide["is_main_process"],
    prepare_reporter: Callable[[str], None] = Provide["prepare_reporter"],
    **options: Any,
) -> None:
    """Distill TEACHER into a smaller STUDENT on DATASET; export it with a report to models/NAME/.

    The report (distillation_report.json and .md beside the student) gives
    the teacher's and the student's test metrics, the retention, parameters,
    size on disk, CPU latency and throughput, and the speed-up.

    \b
    Examples:
      codemill train kinds --name teacher --model small
      codemill distill --teacher teacher --dataset kinds --student tiny --name student
      codemill distill --teacher teacher --dataset kinds --name s2 --loss kl=0.7 --loss ce=0.3 --temperature 4
      codemill distill --teacher teacher --dataset kinds --name s3 --schedule hard-to-soft --alpha 0.8
      codemill distill --teacher teacher --dataset kinds --name s4 --student half --init-from-teacher
      codemill distill --teacher teacher --dataset kinds --name s5 --hidden cosine --loss kl=1
      codemill distill --teacher teacher --dataset kinds --name s6 --loss-preset trident --semantic-scale 5
      codemill distill --teacher registry:kinds@production --dataset kinds --name s7
      codemill dataset build mycorpus --task generation/summarize --tokenizer ./my-codet5 --name sums
      codemill distill --teacher ./my-codet5 --dataset sums --name small-codet5

    Every optimizer step is a row of runs/NAME/distill_log.csv: the loss, each
    component raw and weighted, its weight, and the gradient norms of the
    encoder and the decoder (or head).
    """
    from codemill.application.distillation.distill_model import DistillRequest

    config = training_config(student, options)
    prepare_reporter(config.report_to)
    request = DistillRequest(
        teacher=teacher,
        dataset=dataset,
        name=name,
        student=student,
        config=config,
        distillation=_distillation(options),
        resume=resume,
        teacher_revision=teacher_revision,
        overwrite=overwrite,
    )
    result = use_case.execute(request)
    if not is_main_process():
        return  # under DDP only the main process reports
    payload = {
        "name": result.name,
        "status": result.status,
        "metrics": result.metrics,
        "teacher_metrics": result.teacher_metrics,
        "retention": result.retention,
        "report": result.report,
        "model": f"models/{result.name}" if result.model_manifest else None,
    }
    if as_json:
        emit_json(payload)
        return
    _render(payload)


def _distillation(options: dict[str, Any]) -> DistillationConfig:
    from codemill.domain.distillation import DistillationConfig, parse_weights

    if options["alpha"] is not None and options["losses"]:
        raise click.UsageError("give either --alpha or --loss, not both")
    given = [flag for name, flag in _NOT_WITH_PRESET.items() if options[name] not in (None, ())]
    if options["preset"] is not None and given:
        raise click.UsageError(
            f"--loss-preset sets the weights and the schedule: drop {', '.join(given)}, or the preset"
        )
    weights = parse_weights(options["losses"]) if options["losses"] else {"ce": 0.5, "kl": 0.5}
    if options["alpha"] is not None:
        weights = {"kl": options["alpha"], "ce": 1.0 - options["alpha"]}
    if options["hidden"] and "hidden" not in weights:
        weights["hidden"] = 1.0
    end = parse_weights(options["end_losses"]) if options["end_losses"] else None
    return DistillationConfig(
        weights=weights,
        end_weights=end,
        schedule=options["schedule"] or ("linear" if end is not None else "constant"),
        temperature=options["temperature"],
        focal_gamma=options["focal_gamma"],
        hidden=options["hidden"] or "mse",
        top_k=options["top_k"],
        use_cache=not options["no_cache"],
        init_from_teacher=options["init_from_teacher"],
        semantic_scale=options["semantic_scale"],
        contrastive_temperature=options["contrastive_temperature"],
        preset=options["preset"],
    )


_NOT_WITH_PRESET = {
    "losses": "--loss",
    "alpha": "--alpha",
    "end_losses": "--end-loss",
    "schedule": "--schedule",
    "hidden": "--hidden",
}


def _render(payload: dict[str, Any]) -> None:
    report = payload["report"]
    if report:
        metric = report["metric"]
        rows = [
            {
                "figure": f"{metric} (test)",
                "teacher": report["teacher_metrics"].get(metric),
                "student": payload["metrics"].get(metric),
            },
            {
                "figure": "parameters",
                "teacher": report["teacher_parameters"],
                "student": report["student_parameters"],
            },
            {
                "figure": "p50 ms (CPU, batch 1)",
                "teacher": report["teacher_speed"]["latency_p50_ms"],
                "student": report["student_speed"]["latency_p50_ms"],
            },
        ]
        click.echo(render_table(rows, ["figure", "teacher", "student"]))
        ratio = _percent(report["params_ratio"])
        retention = _percent(payload["retention"])
        click.echo(f"retention {retention}, parameters ratio {ratio}, speed-up {report['speedup']:.2f}x")
    where = payload["model"] or "(no model exported)"
    if payload["status"] == "interrupted":
        click.echo(
            f"run {payload['name']} interrupted; a checkpoint was saved: rerun with --resume to continue"
        )
    else:
        click.echo(f"run {payload['name']} {payload['status']}: student in {where}")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"
