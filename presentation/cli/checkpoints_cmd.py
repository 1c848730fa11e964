"""`codemill checkpoints`: list, rank, prune and export the checkpoints of a training run."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from dependency_injector.wiring import Provide, inject

from codemill.presentation.cli.options import json_option
from codemill.presentation.cli.output import emit_json, human_size, render_table

if TYPE_CHECKING:
    from codemill.application.checkpoints.manage_checkpoints import CheckpointRow, ManageCheckpoints, Ranking

F = TypeVar("F", bound=Callable[..., Any])


def _ranking_options(func: F) -> F:
    func = click.option(
        "--mode", type=click.Choice(["min", "max"]), help="Lower or higher is better (default: min for loss)."
    )(func)
    return click.option(
        "--metric", default="", help="Rank by this validation metric (default: the run's monitored one)."
    )(func)


def _ranking(metric: str, mode: str | None) -> Ranking:
    from codemill.application.checkpoints.manage_checkpoints import Ranking

    return Ranking(metric=metric, mode=mode)  # type: ignore[arg-type]


def _row(row: CheckpointRow) -> dict[str, Any]:
    return {
        "step": row.step,
        "epoch": row.epoch,
        "metrics": ", ".join(f"{k} {v:.4g}" for k, v in sorted(row.metrics.items())) or "-",
        "size": human_size(row.size_bytes),
        "integrity": "ok" if row.intact else "; ".join(row.problems),
    }


@click.group("checkpoints")
def checkpoints_group() -> None:
    """Look after a training run's checkpoints (local run folder, else storage).

    \b
    Examples:
      codemill checkpoints scan r1
      codemill checkpoints best r1 --metric accuracy --mode max
      codemill checkpoints cleanup r1 --keep-best 2 --keep-latest 1 --dry-run
      codemill checkpoints export r1 --to r1-best
    """


@checkpoints_group.command("scan")
@click.argument("run")
@json_option
@inject
def scan_command(
    run: str, as_json: bool, use_case: ManageCheckpoints = Provide["manage_checkpoints"]
) -> None:
    """Table of RUN's checkpoints: step, metrics, size and integrity (sha256 against the record)."""
    rows = use_case.scan(run)
    if as_json:
        emit_json([dataclasses.asdict(row) | {"intact": row.intact} for row in rows])
        return
    click.echo(render_table([_row(row) for row in rows], ["step", "epoch", "metrics", "size", "integrity"]))


@checkpoints_group.command("best")
@click.argument("run")
@_ranking_options
@json_option
@inject
def best_command(
    run: str,
    metric: str,
    mode: str | None,
    as_json: bool,
    use_case: ManageCheckpoints = Provide["manage_checkpoints"],
) -> None:
    """The best intact checkpoint of RUN by a validation metric."""
    row = use_case.best(run, _ranking(metric, mode))
    if as_json:
        emit_json(dataclasses.asdict(row) | {"intact": row.intact})
        return
    click.echo(render_table([_row(row)], ["step", "epoch", "metrics", "size", "integrity"]))
    click.echo(f"best checkpoint of run {run}: step {row.step} ({row.location})")


@checkpoints_group.command("cleanup")
@click.argument("run")
@click.option("--keep-best", default=1, show_default=True, type=click.IntRange(min=1), help="Best N to keep.")
@click.option(
    "--keep-latest", default=1, show_default=True, type=click.IntRange(min=1), help="Latest M to keep."
)
@_ranking_options
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; delete nothing.")
@json_option
@inject
def cleanup_command(
    run: str,
    keep_best: int,
    keep_latest: int,
    metric: str,
    mode: str | None,
    dry_run: bool,
    as_json: bool,
    use_case: ManageCheckpoints = Provide["manage_checkpoints"],
) -> None:
    """Delete RUN's checkpoints except the best N and the latest M (the best is never deleted).

    The pruned run folder is mirrored to storage (runs/RUN/checkpoints).
    """
    from codemill.application.checkpoints.manage_checkpoints import CleanupRequest

    result = use_case.cleanup(
        CleanupRequest(
            run=run,
            keep_best=keep_best,
            keep_latest=keep_latest,
            ranking=_ranking(metric, mode),
            dry_run=dry_run,
        )
    )
    if as_json:
        emit_json(dataclasses.asdict(result))
        return
    verb = "would delete" if dry_run else "deleted"
    deleted = ", ".join(map(str, result.deleted)) or "nothing"
    click.echo(
        f"run {run}: kept steps {', '.join(map(str, result.kept))} (best {result.best}); {verb} {deleted}"
    )


@checkpoints_group.command("export")
@click.argument("run")
@click.option("--to", "name", required=True, help="Model name: the best checkpoint goes to models/NAME/.")
@_ranking_options
@json_option
@inject
def export_command(
    run: str,
    name: str,
    metric: str,
    mode: str | None,
    as_json: bool,
    use_case: ManageCheckpoints = Provide["manage_checkpoints"],
) -> None:
    """Publish RUN's best intact checkpoint as a standalone model under models/NAME/."""
    result = use_case.export(run, name, _ranking(metric, mode))
    payload = {"name": result.name, "step": result.step, "metrics": result.metrics, "model": f"models/{name}"}
    if as_json:
        emit_json(payload)
        return
    click.echo(
        f"exported step {result.step} of run {run} to models/{name} ({len(result.manifest.entries)} files)"
    )
