"""`codemill runs`: list, show and compare training runs and pipeline runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click
from dependency_injector.wiring import Provide, inject

from codemill.domain.pipeline import RUN_ID_PATTERN
from codemill.presentation.cli.options import json_option
from codemill.presentation.cli.output import emit_json, flatten, render_table

if TYPE_CHECKING:
    from codemill.application.pipeline.pipeline_runs import PipelineRuns
    from codemill.application.publishing.upstream_check import UpstreamCheck
    from codemill.domain.ports.run_repository import RunRepository

_LINEAGE_NOISE = ("steps.", "versions.", "summary.steps", "sources")


@click.group("runs")
def runs_group() -> None:
    """List, inspect and compare training runs and pipeline runs.

    \b
    Examples:
      codemill runs ls
      codemill runs show t5-tiny
      codemill runs compare 20261122T051500Z-1a2b3c4d 20261122T061000Z-5e6f7a8b
    """


@runs_group.command("ls")
@json_option
@inject
def runs_ls(
    as_json: bool, runs: RunRepository = Provide["runs"], pipelines: PipelineRuns = Provide["pipeline_runs"]
) -> None:
    """List training runs and pipeline runs with their status and key metrics."""
    trained = [_training_row(name, runs.record(name)) for name in runs.names()]
    piped = [
        _pipeline_row(run_id, pipelines.record(run_id) if done else None) for run_id, done in pipelines.runs()
    ]
    if as_json:
        emit_json({"training": trained, "pipelines": piped})
        return
    if trained:
        click.echo("training runs")
        click.echo(render_table(trained, ["name", "dataset", "status", "metric", "value", "best_step"]))
    if piped:
        click.echo("pipeline runs")
        click.echo(
            render_table(piped, ["run_id", "status", "task", "teacher", "student", "retention", "validation"])
        )
    if not trained and not piped:
        click.echo("no runs yet: run `codemill pipeline`, or `codemill train DATASET --name RUN`")


@runs_group.command("show")
@click.argument("run")
@json_option
@inject
def runs_show(
    run: str,
    as_json: bool,
    runs: RunRepository = Provide["runs"],
    pipelines: PipelineRuns = Provide["pipeline_runs"],
    upstream: UpstreamCheck = Provide["upstream_check"],
) -> None:
    """Show a run's record: config, status, metrics, versions (a training run name or a pipeline run id).

    A training run whose dataset was replaced since gets a warning naming both versions.
    """
    record = _record(run, runs, pipelines)
    stale = [] if RUN_ID_PATTERN.match(run) else upstream.of_run(record)
    for line in stale:
        click.echo(f"warning: run {run}: {line}", err=True)
    if as_json:
        emit_json({**record, "stale": stale} if stale else record)
        return
    if RUN_ID_PATTERN.match(run):
        from codemill.application.pipeline.report import summary_lines

        click.echo("\n".join(summary_lines(record["summary"])))
        return
    click.echo(f"run {run}: {record.get('status')} on dataset {record.get('dataset')}")
    settings = [{"setting": k, "value": v} for k, v in record.get("config", {}).items()]
    click.echo(render_table(settings, ["setting", "value"]))
    metrics = record.get("metrics", {})
    if metrics:
        click.echo(
            render_table([{"metric": k, "value": v} for k, v in sorted(metrics.items())], ["metric", "value"])
        )


@runs_group.command("compare")
@click.argument("first")
@click.argument("second")
@click.option("--all", "show_all", is_flag=True, help="Also show the settings both runs share.")
@json_option
@inject
def runs_compare(
    first: str,
    second: str,
    show_all: bool,
    as_json: bool,
    runs: RunRepository = Provide["runs"],
    pipelines: PipelineRuns = Provide["pipeline_runs"],
) -> None:
    """Set two runs side by side: the settings that differ and every metric.

    FIRST and SECOND are training run names or pipeline run ids.
    """
    left, right = (_comparable(_record(r, runs, pipelines)) for r in (first, second))
    rows = []
    for key in sorted(left.keys() | right.keys()):
        a, b = left.get(key), right.get(key)
        if show_all or a != b or _is_metric(key):
            rows.append({"key": key, first: a, second: b, "differs": "*" if a != b else ""})
    if as_json:
        emit_json(rows)
    else:
        click.echo(render_table(rows, ["key", first, second, "differs"]))


def _record(run: str, runs: RunRepository, pipelines: PipelineRuns) -> dict[str, Any]:
    return pipelines.record(run) if RUN_ID_PATTERN.match(run) else runs.record(run)


def _comparable(record: Mapping[str, Any]) -> dict[str, Any]:
    flat = flatten(record)
    return {
        key: value
        for key, value in flat.items()
        if (not key.startswith(_LINEAGE_NOISE) and not isinstance(value, list | dict))
        or key.startswith("config.")
    }


def _is_metric(key: str) -> bool:
    return ".metrics." in f".{key}" or key.endswith(("retention", ".passed"))


def _training_row(name: str, record: Mapping[str, Any]) -> dict[str, Any]:
    metrics = record.get("metrics", {})
    monitor = record.get("monitor", {}).get("metric", "")
    return {
        "name": name,
        "dataset": record.get("dataset"),
        "status": record.get("status"),
        "metric": monitor,
        "value": metrics.get(f"test_{monitor}", metrics.get(monitor)),
        "best_step": (record.get("best_checkpoint") or {}).get("step"),
    }


def _pipeline_row(run_id: str, record: Mapping[str, Any] | None) -> dict[str, Any]:
    if record is None:
        return {"run_id": run_id, "status": "unfinished (--resume)"}
    summary = record.get("summary", {})
    validation = summary.get("validation")
    student = summary.get("student") or {}
    return {
        "run_id": run_id,
        "status": "finished",
        "task": (summary.get("dataset") or {}).get("task"),
        "teacher": _headline((summary.get("teacher") or {}).get("metrics", {})),
        "student": _headline(student.get("metrics", {})),
        "retention": f"{student['retention']:.1%}" if isinstance(student.get("retention"), float) else None,
        "validation": None if validation is None else ("passed" if validation.get("passed") else "failed"),
    }


def _headline(metrics: Mapping[str, float]) -> str | None:
    for name in ("bleu4", "macro_f1", "accuracy", "token_f1"):
        if name in metrics:
            return f"{name} {metrics[name]:.4g}"
    return None
