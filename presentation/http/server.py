"""uvicorn, run so that SIGTERM drains: no new connections, in-flight requests answered, exit 0."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn

log = logging.getLogger("codemill.serve")
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class DrainingServer(uvicorn.Server):
    """On SIGTERM or SIGINT: stop accepting, let in-flight requests finish, shut the app down, return.

    uvicorn re-raises the signal after a graceful shutdown, so the process
    would end by the signal; this server returns instead, so the command
    exits 0 after a clean drain. `fail` stops it with a reason (exit 1).
    """

    failure: str | None = None

    def fail(self, message: str) -> None:
        self.failure = message
        self.should_exit = True

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in _SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def server_config(app: Any, *, host: str, port: int, **extra: Any) -> uvicorn.Config:
    """uvicorn settings for serving: our logging, no access log, keep-alive for busy clients."""
    share_codemill_logging()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_keep_alive=30,
        lifespan="on",
        **extra,
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: a free one), so the real port is known before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def share_codemill_logging() -> None:
    """uvicorn's messages go through codemill's stderr handler, at its level."""
    ours = logging.getLogger("codemill")
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = list(ours.handlers)
        logger.setLevel(ours.level or logging.INFO)
        logger.propagate = False
