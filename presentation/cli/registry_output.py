"""How the registry's results read: one line per move, tables for models, versions and histories."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from codemill.presentation.cli.output import emit_json, render_table

if TYPE_CHECKING:
    from codemill.application.registry.alias_mover import AliasMoved
    from codemill.application.registry.register_model import RegisterResult
    from codemill.application.registry.registry_catalog import ModelDetails, ModelSummary, VersionSummary
    from codemill.domain.alias_history import AliasMove

_HEADLINE_METRICS = ("accuracy", "macro_f1", "bleu4", "token_f1", "exact_match", "loss")


def moved(result: AliasMoved, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_dict())
        return
    move = result.move
    origin = "new alias" if move.from_version is None else f"version {move.from_version}"
    click.echo(
        f"{result.name}@{move.alias}: {origin} -> version {move.to_version} "
        f"({move.action}, history entry {move.seq})"
    )


def registered(result: RegisterResult, as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "name": result.name,
                "version": result.version,
                "reference": result.reference,
                "source": result.source,
                "manifest_sha256": result.manifest_sha256,
                "record": result.record,
                "alias": None if result.alias is None else result.alias.to_dict(),
            }
        )
        return
    click.echo(f"registered {result.source} as {result.reference}")
    if result.alias is not None:
        moved(result.alias, as_json=False)


def models(summaries: Sequence[ModelSummary], as_json: bool) -> None:
    if as_json:
        emit_json([dataclasses.asdict(summary) for summary in summaries])
        return
    if not summaries:
        click.echo("no registered models yet: codemill registry register MODEL --name NAME")
        return
    rows = [
        {"name": s.name, "latest": s.latest, "versions": s.versions, "aliases": _aliases(s.aliases)}
        for s in summaries
    ]
    click.echo(render_table(rows, ["name", "latest", "versions", "aliases"]))


def details(model: ModelDetails, as_json: bool) -> None:
    if as_json:
        emit_json(dataclasses.asdict(model))
        return
    click.echo(f"{model.name}: {len(model.versions)} versions; aliases: {_aliases(model.aliases) or 'none'}")
    click.echo(render_table([_version_row(v) for v in model.versions], list(_version_row(model.versions[0]))))


def history(moves: Sequence[AliasMove], as_json: bool) -> None:
    if as_json:
        emit_json([move.to_dict() for move in moves])
        return
    if not moves:
        click.echo("no alias has moved yet: codemill registry alias NAME ALIAS VERSION")
        return
    columns = ["time", "alias", "seq", "from", "to", "action", "user", "reason"]
    click.echo(render_table([move.to_dict() for move in moves], columns))


def _version_row(version: VersionSummary) -> dict[str, Any]:
    validation = version.validation
    return {
        "version": version.version,
        "registered": version.registered_at,
        "by": version.registered_by,
        "source": version.source,
        "run": _named(version.lineage.get("run")),
        "dataset": _named(version.lineage.get("dataset")),
        "metrics": _headline(version.metrics),
        "validation": None if validation is None else ("passed" if validation["passed"] else "FAILED"),
    }


def _aliases(aliases: Mapping[str, int]) -> str:
    return ", ".join(f"{alias}={version}" for alias, version in sorted(aliases.items()))


def _named(part: Any) -> str | None:
    if not isinstance(part, Mapping):
        return None
    sha = str(part.get("manifest_sha256") or "")
    return f"{part.get('name')} ({sha[:8]})" if sha else str(part.get("name"))


def _headline(metrics: Mapping[str, Any]) -> str:
    shown = [
        f"{name} {value:.4g}"
        for name in _HEADLINE_METRICS
        for value in [metrics.get(f"test_{name}", metrics.get(name))]
        if isinstance(value, int | float)
    ]
    return ", ".join(shown[:3]) or "-"
