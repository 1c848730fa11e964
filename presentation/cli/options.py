"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    """`--json`: print the result as JSON on stdout instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")(func)
