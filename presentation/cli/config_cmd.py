"""`codemill config`: inspect the effective settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from dependency_injector.wiring import Provide, inject

from codemill.presentation.cli.options import json_option
from codemill.presentation.cli.output import emit_json, flatten, render_table

if TYPE_CHECKING:
    from codemill.presentation.settings import Settings


@click.group("config")
def config_group() -> None:
    """Inspect configuration (CODEMILL_* environment variables and .env)."""


@config_group.command("show")
@json_option
@inject
def show_command(as_json: bool, settings: Settings = Provide["settings"]) -> None:
    """Print every effective setting with the variable that sets it; secrets masked."""
    from codemill.presentation.settings import env_name, masked

    data = masked(settings)
    if as_json:
        emit_json(data)
        return
    rows = [
        {"variable": env_name(tuple(name.split("."))), "value": value}
        for name, value in flatten(data).items()
    ]
    click.echo(render_table(rows, ["variable", "value"]))
