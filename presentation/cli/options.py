"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    """`--json`: print the result as JSON on stdout instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")(func)


def overwrite_option(what: str) -> Callable[[F], F]:
    """`--overwrite`: replace a published artifact of the same name; without it such a name is refused."""

    def decorate(func: F) -> F:
        return click.option(
            "--overwrite",
            is_flag=True,
            help=f"Replace a published {what} of this name; the new one records the manifest it replaced "
            "(without it, an existing name is refused).",
        )(func)

    return decorate
