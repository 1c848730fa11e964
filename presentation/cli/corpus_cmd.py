"""`codemill corpus`: list and inspect collected corpora."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from dependency_injector.wiring import Provide, inject

from codemill.presentation.cli.collect_cmd import render_collect_summary
from codemill.presentation.cli.options import json_option
from codemill.presentation.cli.output import emit_json, human_size, render_table

if TYPE_CHECKING:
    from codemill.domain.ports.corpus_repository import CorpusRepository


@click.group("corpus")
def corpus_group() -> None:
    """List and inspect corpora made by `codemill collect`."""


@corpus_group.command("ls")
@json_option
@inject
def ls_command(as_json: bool, corpora: CorpusRepository = Provide["corpora"]) -> None:
    """List published corpora with their sizes."""
    rows = []
    for name in corpora.names():
        manifest = corpora.manifest(name)
        units = corpora.stats(name).get("units", {})
        rows.append(
            {
                "name": name,
                "units": units.get("kept", 0),
                "rejected": units.get("rejected", 0),
                "size": human_size(manifest.total_size),
                "created": manifest.created_at,
            }
        )
    if as_json:
        emit_json(rows)
    elif rows:
        click.echo(render_table(rows, ["name", "units", "rejected", "size", "created"]))
    else:
        click.echo("no corpora yet: run `codemill collect SOURCE --name NAME`")


@corpus_group.command("show")
@click.argument("name")
@json_option
@inject
def show_command(name: str, as_json: bool, corpora: CorpusRepository = Provide["corpora"]) -> None:
    """Show a corpus's statistics: languages, skips, filters, duplicates, redactions."""
    from codemill.application.collection.summary import CollectSummary

    manifest = corpora.manifest(name)
    stats = corpora.stats(name)
    replaces = manifest.metadata.get("replaces")
    if as_json:
        emit_json(
            {
                "name": name,
                "created_at": manifest.created_at,
                "manifest_sha256": manifest.digest(),
                "replaces": replaces,
                "stats": stats,
            }
        )
        return
    summary = CollectSummary.from_dict(stats)
    sources = ", ".join(s.source + (f"@{s.commit[:12]}" if s.commit else "") for s in summary.sources)
    click.echo(f"corpus {name} (created {manifest.created_at}, {human_size(manifest.total_size)})")
    if replaces:
        click.echo(
            f"replaces the corpus of this name as of {replaces[:12]}: what was built from that is stale"
        )
    click.echo(f"sources: {sources}")
    click.echo(render_collect_summary(name, summary))
