"""`codemill validate`: is a model fit to ship? Checks, a report, exit code 0 (pass) or 1 (a check failed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from dependency_injector.wiring import Provide, inject

from codemill.presentation.cli.options import json_option
from codemill.presentation.cli.output import emit_json, render_table

if TYPE_CHECKING:
    from codemill.application.publishing.upstream_check import UpstreamCheck
    from codemill.application.validation.validate_model import ValidateModel, ValidationReport
    from codemill.domain.ports.run_repository import RunRepository


def _minimums(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, float]:
    from codemill.domain.errors import InputError
    from codemill.domain.validation import parse_minimum

    try:
        return dict(parse_minimum(value) for value in values)
    except InputError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


@click.command("validate")
@click.argument("model")
@click.option("--dataset", help="Dataset name in storage: scores quality and calibration on its splits.")
@click.option("--quick", is_flag=True, help="Only integrity, load and inference (seconds, no dataset).")
@click.option(
    "--min",
    "minimums",
    multiple=True,
    metavar="METRIC=VALUE",
    callback=_minimums,
    help="Fail below this metric on the test split (repeatable); for loss and ece a maximum.",
)
@click.option(
    "--max-latency-ms", type=click.FloatRange(min=0), help="Fail when p95 latency at batch 1 is higher."
)
@click.option("--min-throughput", type=click.FloatRange(min=0), help="Fail below this many samples/s.")
@click.option(
    "--batch-size", default=8, show_default=True, type=click.IntRange(min=1), help="Throughput batch."
)
@click.option(
    "--allow-pickle", is_flag=True, help="Accept pickle-based weights (loaded with weights_only=True)."
)
@click.option("--device", default="auto", show_default=True, help="auto (CUDA when available), cpu or cuda.")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False),
    help="Folder for the report files (default: a local model's own folder).",
)
@json_option
@inject
def validate_command(
    model: str,
    dataset: str | None,
    quick: bool,
    minimums: dict[str, float],
    max_latency_ms: float | None,
    min_throughput: float | None,
    batch_size: int,
    allow_pickle: bool,
    device: str,
    report_dir: str | None,
    as_json: bool,
    use_case: ValidateModel = Provide["validate_model"],
    runs: RunRepository = Provide["runs"],
    upstream: UpstreamCheck = Provide["upstream_check"],
) -> None:
    """Validate MODEL (registry:NAME@ALIAS, registry:NAME/VERSION, a model in storage, a folder) and report.

    Checks: integrity (files, checksums, safetensors), load (architecture,
    tokenizer and labels fit), inference (a smoke run), performance
    (latency p50/p95/p99, throughput), quality (the task's metrics on the
    test split) and calibration (ECE before and after temperature scaling).
    Exits 0 when no check failed, 1 otherwise, naming each failed check on
    stderr. A stored model's report is published under validations/MODEL/,
    a registry version's under registry/NAME/validations/VERSION/.

    \b
    Examples:
      codemill validate r1 --quick
      codemill validate r1 --dataset kinds --min accuracy=0.8 --min ece=0.05
      codemill validate ./my-model --dataset kinds --max-latency-ms 50 --report ./report
      codemill validate registry:kinds@staging --dataset kinds
    """
    from codemill.application.validation.validate_model import ValidateRequest

    report = use_case.execute(
        ValidateRequest(
            model=model,
            dataset=dataset,
            quick=quick,
            minimums=minimums,
            max_latency_ms=max_latency_ms,
            min_throughput=min_throughput,
            allow_pickle=allow_pickle,
            device=device,
            batch_size=batch_size,
            report_dir=report_dir,
        )
    )
    stale = _stale(model, runs, upstream)
    for line in stale:
        click.echo(f"warning: model {model}: {line}", err=True)
    if as_json:
        emit_json({**_payload(report), "stale": stale})
    else:
        rows = [{"check": c.name, "status": c.status, "details": c.details} for c in report.checks]
        click.echo(render_table(rows, ["check", "status", "details"]))
        verdict = "passed" if report.passed else "FAILED"
        where = ", ".join(report.stored)
        click.echo(f"model {report.model}: {verdict} in {report.elapsed_s:.1f} s; report in {where}")
    for line in report.failures:
        click.echo(f"failed: {line}", err=True)
    if not report.passed:
        raise SystemExit(1)


def _stale(model: str, runs: RunRepository, upstream: UpstreamCheck) -> list[str]:
    """For a model trained here (a run of that name), whether its dataset was replaced since."""
    from codemill.domain.errors import CodemillError
    from codemill.domain.names import NAME_PATTERN

    if not NAME_PATTERN.fullmatch(model):
        return []  # a registry reference or a folder: no run record of that name
    try:
        return upstream.of_run(runs.record(model))
    except CodemillError:
        return []


def _payload(report: ValidationReport) -> dict[str, object]:
    return {
        "model": report.model,
        "source": report.source,
        "passed": report.passed,
        "failures": list(report.failures),
        "checks": [
            {"name": c.name, "status": c.status, "details": c.details, "figures": dict(c.figures)}
            for c in report.checks
        ],
        "stored": list(report.stored),
        "calibration": report.calibration,
        "elapsed_s": report.elapsed_s,
    }
