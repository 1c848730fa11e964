"""Expected failures become one clear line and exit code 1; bad usage stays exit 2."""

from __future__ import annotations

import errno
import logging
from typing import Any

import click

from codemill.domain.errors import CodemillError, InvalidKeyError

log = logging.getLogger("codemill")
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


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
        except OSError as exc:
            if exc.errno not in _DISK_ERRORS:
                raise
            where = f" writing {exc.filename}" if exc.filename else ""
            raise click.ClickException(
                f"{exc.strerror}{where}: free some space (or point CODEMILL_STORAGE__ROOT / "
                "CODEMILL_WORK_DIR elsewhere) and rerun; a training run continues with --resume"
            ) from None
        except KeyboardInterrupt:
            raise click.ClickException("interrupted; nothing incomplete was published") from None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())
