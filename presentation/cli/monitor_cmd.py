"""`codemill monitor`: drift of a served model's logged inputs and predictions against its reference data."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import click
from dependency_injector.wiring import Provide, inject

from codemill.presentation.cli.options import json_option
from codemill.presentation.cli.output import emit_json, render_table

if TYPE_CHECKING:
    from codemill.application.monitoring.monitor_drift import DriftResult, MonitorDrift

_SHARE = click.FloatRange(min=0, min_open=True)


class NotUsableError(click.ClickException):
    """Something named on the command line does not exist or cannot be used: one line, exit 2."""

    exit_code = 2


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    from codemill.domain.errors import InputError
    from codemill.domain.time_window import parse_since

    if value is None:
        return None
    try:
        return parse_since(value, now=time.time())
    except InputError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


@click.group("monitor")
def monitor_group() -> None:
    """Watch served models: drift of what `codemill serve --log-predictions` logged."""


@monitor_group.command("drift")
@click.argument("name")
@click.option(
    "--since", callback=_since, help="Window start: an ISO time, or 24h, 7d ... [default: everything]."
)
@click.option(
    "--reference", metavar="DATASET", help="Reference dataset [default: the one the model trained on]."
)
@click.option("--split", default="validation", show_default=True, help="Split of the reference dataset.")
@click.option(
    "--model", "model_ref", metavar="MODEL_REF", help="Model for the reference [default: the latest logged]."
)
@click.option(
    "--reference-limit", default=2000, show_default=True, type=click.IntRange(min=1), help="Samples at most."
)
@click.option(
    "--psi-warning", default=0.1, show_default=True, type=_SHARE, help="PSI from which a feature warns."
)
@click.option(
    "--psi-drift", default=0.2, show_default=True, type=_SHARE, help="PSI from which a feature drifted."
)
@click.option(
    "--min-samples", default=30, show_default=True, type=click.IntRange(min=1), help="Values a side to judge."
)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), help="Also write the report files to this folder."
)
@json_option
@inject
def drift_command(
    name: str,
    since: float | None,
    reference: str | None,
    split: str,
    model_ref: str | None,
    reference_limit: int,
    psi_warning: float,
    psi_drift: float,
    min_samples: int,
    out_dir: str | None,
    as_json: bool,
    use_case: MonitorDrift = Provide["monitor_drift"],
) -> None:
    """Compare the inputs and predictions logged for NAME with the model's reference data.

    NAME is the served model's registry name (or stored model name). Each
    feature (length in tokens, language, complexity, unknown-token rate,
    predicted label, confidence) is compared by PSI, which decides: at or
    over --psi-drift it drifted, at or over --psi-warning it warns. KS,
    chi-square and Jensen-Shannon figures are reported beside it. The report
    (drift.json, drift.md, a PNG per drifted feature) is stored under
    monitoring/NAME/drift/. Exits 1 when a feature drifted, 0 otherwise, 2
    when an option or a name cannot be used.

    \b
    Examples:
      codemill monitor drift kinds --since 24h
      codemill monitor drift kinds --since 2025-06-01 --reference kinds-2025 --out ./drift
      codemill monitor drift kinds --since 7d --json --psi-drift 0.25
    """
    from codemill.application.monitoring.monitor_drift import DriftRequest
    from codemill.domain.drift import DriftThresholds
    from codemill.domain.errors import ArtifactNotFoundError, InputError

    if psi_warning > psi_drift:
        raise click.UsageError(f"--psi-warning {psi_warning} is above --psi-drift {psi_drift}")
    request = DriftRequest(
        name=name,
        since=since,
        reference=reference,
        split=split,
        model=model_ref,
        reference_limit=reference_limit,
        thresholds=DriftThresholds(warning=psi_warning, drift=psi_drift, min_samples=min_samples),
        out_dir=out_dir,
    )
    try:
        result = use_case.execute(request)
    except (InputError, ArtifactNotFoundError) as exc:
        raise NotUsableError(" ".join(str(exc).split())) from None
    if as_json:
        emit_json(result.to_dict())
    else:
        click.echo(_table(result))
        click.echo(_summary(result))
    if result.drift:
        raise SystemExit(1)


def _table(result: DriftResult) -> str:
    from codemill.application.monitoring.drift_report import describe

    rows = [
        {
            "feature": f.name,
            "status": f.status.value.upper() if f.status.value in ("drift", "warning") else f.status.value,
            "psi": _figure(f.psi, ".3f"),
            "test": f.test,
            "p_value": _figure(f.p_value, ".2g"),
            "js": _figure(f.js_distance, ".2f"),
            "reference": f"{describe(f.reference)} (n={f.reference_count})",
            "current": f"{describe(f.current)} (n={f.current_count})",
        }
        for f in result.features
    ]
    return render_table(rows, ["feature", "status", "psi", "test", "p_value", "js", "reference", "current"])


def _figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _summary(result: DriftResult) -> str:
    payload = result.to_dict()
    verdict = f"DRIFT in {', '.join(result.drifted)}" if result.drift else "no drift"
    if result.warnings:
        verdict += f" (warnings: {', '.join(result.warnings)})"
    lines = [
        f"{result.name}: {verdict}; {result.current_count} logged inputs "
        f"({payload['window']['start']} to {payload['window']['end']}) against {result.reference_count} "
        f"samples of {result.dataset}/{result.split} predicted by {result.model}",
        *(f"note: {note}" for note in result.notes),
        f"report in {', '.join(result.stored)}",
    ]
    return "\n".join(lines)
