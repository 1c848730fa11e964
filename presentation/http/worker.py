"""The app of one worker process of `codemill serve --workers N` (uvicorn imports it by name)."""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI
from uvicorn.config import STARTUP_FAILURE

from codemill.presentation.cli.logs import configure_logging
from codemill.presentation.serving import build_app, worker_config
from codemill.presentation.wiring import ensure_wired

log = logging.getLogger("codemill.serve")


def worker_app() -> FastAPI:
    """The app on this process's own container; a model that cannot load stops every worker."""
    configure_logging(0)
    return build_app(ensure_wired(), worker_config(), on_fatal=_stop_worker)


def _stop_worker(message: str) -> None:
    log.error("worker %d stops: %s", os.getpid(), message)
    os._exit(STARTUP_FAILURE)  # uvicorn's supervisor then stops, instead of restarting a worker that fails
