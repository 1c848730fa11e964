"""Expected failures become one clear line and exit code 1; bad usage stays exit 2."""

from __future__ import annotations

import logging
from typing import Any

import click

from domain.errors import CodemillError, InvalidKeyError

log = logging.getLogger("codemill")


class CodemillGroup(click.Group):
    """A group that turns domain errors raised by any subcommand into ClickException."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidKeyError as exc:
            raise click.UsageError(_one_line(exc), ctx) from None
        except CodemillError as exc:
            log.debug("command failed", exc_info=True)
            raise click.ClickException(_one_line(exc)) from None
        except KeyboardInterrupt:
            raise click.ClickException("interrupted; nothing incomplete was published") from None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())
