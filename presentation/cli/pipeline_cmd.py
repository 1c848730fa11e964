"""`codemill pipeline`: collect -> dataset -> train -> distill -> validate, as one resumable run."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click
from dependency_injector.wiring import Provide, inject

from codemill.domain.pipeline import STEPS
from codemill.presentation.cli.options import json_option
from codemill.presentation.cli.output import emit_json

if TYPE_CHECKING:
    from codemill.application.pipeline.pipeline_runs import PipelineRuns
    from codemill.application.pipeline.run_pipeline import RunPipeline


@click.command("pipeline")
@click.argument("config_file", required=False, metavar="[CONFIG]")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="SECTION.KEY=VALUE",
    help="Change one setting of the config (repeatable), e.g. --set train.epochs=3.",
)
@click.option("--print-config", is_flag=True, help="Print the effective config as TOML and exit.")
@click.option(
    "--resume", metavar="RUN_ID", help="Continue a run: steps done with the same inputs are skipped."
)
@click.option("--steps", help=f"Run only these steps, comma-separated ({','.join(STEPS)}).")
@click.option("--from-step", type=click.Choice(STEPS), help="Start at this step (earlier ones must be done).")
@json_option
@inject
def pipeline_command(
    config_file: str | None,
    overrides: tuple[str, ...],
    print_config: bool,
    resume: str | None,
    steps: str | None,
    from_step: str | None,
    as_json: bool,
    use_case: RunPipeline = Provide["run_pipeline"],
    runs: PipelineRuns = Provide["pipeline_runs"],
    prepare_reporter: Callable[[str], None] = Provide["prepare_reporter"],
) -> None:
    """Run the whole job, from code to a validated, distilled model, in one run.

    With no CONFIG, the corpus is the standard library of this Python, the
    task generation/summarize, and the models tiny presets: minutes on two
    CPU cores, no network. CONFIG is a TOML or YAML file whose sections
    ([collect], [dataset], [train], [distill], [validate]) change the
    defaults shown by --print-config.

    Each run gets an id (UTC time + config hash) and its own storage prefix,
    pipelines/RUN_ID/. Rerun with --resume RUN_ID after an interruption:
    steps whose outputs verify and whose inputs did not change are skipped,
    training continues from its last checkpoint.

    \b
    Examples:
      codemill pipeline
      codemill pipeline --print-config > pipeline.toml
      codemill pipeline pipeline.toml --set train.epochs=5 --set collect.sources='["./src"]'
      codemill pipeline --resume 20261122T051500Z-1a2b3c4d
      codemill pipeline --resume 20261122T051500Z-1a2b3c4d --from-step train
    """
    from codemill.application.pipeline.report import summary_lines
    from codemill.application.pipeline.run_pipeline import PipelineRequest
    from codemill.presentation.pipeline_config import load_config, to_toml
    from codemill.presentation.pipeline_plan import build_plan

    base = runs.stored_config(resume) if resume and not config_file else None
    config = load_config(config_file, overrides, base=base)
    if print_config:
        click.echo(to_toml(config), nl=False)
        return
    chosen = [s.strip() for s in steps.split(",") if s.strip()] if steps is not None else None
    plan = build_plan(config)
    for training in (plan.train, plan.distill):
        if training is not None:
            prepare_reporter(training.config.report_to)  # before the first step, not at training
    result = use_case.execute(PipelineRequest(plan=plan, resume=resume, steps=chosen, from_step=from_step))
    validation = result.summary.get("validation") or {}
    if as_json:
        emit_json(
            {
                "run_id": result.run_id,
                "prefix": result.prefix,
                "steps": [vars(s) for s in result.steps],
                "summary": result.summary,
            }
        )
    else:
        click.echo("\n".join(summary_lines(result.summary)))
        click.echo(f"report: {result.prefix}/report.md")
    if validation and not validation.get("passed", True):
        failures = "; ".join(validation.get("failures") or ["see the report"])
        raise click.ClickException(f"the model failed validation: {failures}")
