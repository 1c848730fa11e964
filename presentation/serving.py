"""`codemill serve` assembled: a model service from the container, the app, uvicorn with 1 or N workers."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codemill.application.monitoring.prediction_log import PredictionLogOptions
from codemill.application.serving.model_service import ModelService, ServingOptions
from codemill.domain.errors import CodemillError

if TYPE_CHECKING:
    import socket
    from collections.abc import Callable

    from fastapi import FastAPI

    from codemill.domain.ports.prediction_sink import PredictionSink
    from codemill.domain.ports.serving_metrics import ServingMetrics
    from codemill.presentation.container import Container
    from codemill.presentation.http.server import DrainingServer

log = logging.getLogger("codemill.serve")
WORKER_CONFIG_ENV = "CODEMILL_SERVE_WORKER_CONFIG"  # the ServeConfig, as JSON, for worker processes
_LIBRARIES = ("fastapi", "uvicorn", "prometheus_client")  # the `serve` extra
PROMETHEUS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's: workers share metrics through it


class ServeError(CodemillError):
    """The server could not start or stopped on a failure."""


@dataclass(frozen=True, kw_only=True)
class ServeConfig:
    """Everything `codemill serve` takes."""

    reference: str
    host: str = "127.0.0.1"
    port: int = 8000
    max_batch_size: int = 16
    max_latency_ms: float = 10.0
    workers: int = 1
    follow_alias: bool = True
    poll_seconds: float = 5.0
    max_inputs: int = 64
    max_body_bytes: int = 1_000_000
    device: str = "auto"
    threads: int | None = None  # torch threads per worker (default: CPUs but one; CPUs / N for N workers)
    max_new_tokens: int | None = None  # generators (default: the model's generation_max_length)
    log_predictions: bool = False  # sampled inputs' features to monitoring/NAME/predictions/
    sample_rate: float = 1.0  # the share of inputs logged
    log_flush_records: int = 1_000  # a log file is written once this many records wait ...
    log_flush_seconds: float = 60.0  # ... or the oldest has waited this long, and at shutdown


def build_app(container: Container, config: ServeConfig, on_fatal: Callable[[str], None]) -> FastAPI:
    """The HTTP app over a ModelService built from the container's adapters."""
    from codemill.presentation.http.app import create_app
    from codemill.presentation.http.request_body import RequestLimits

    loader = container.model_loader(
        device=config.device,
        threads=config.threads or _threads(config.workers),
        max_new_tokens=config.max_new_tokens,
    )
    metrics = container.serving_metrics()
    options = ServingOptions(
        reference=config.reference,
        max_batch_size=config.max_batch_size,
        max_latency_ms=config.max_latency_ms,
        follow_alias=config.follow_alias,
        poll_seconds=config.poll_seconds,
    )
    service = ModelService(
        options,
        load_model=container.load_model(loader=loader),
        resolver=container.model_resolver(),
        metrics=metrics,
        sink=_sink(container, config, metrics),
        on_fatal=on_fatal,
    )
    limits = RequestLimits(max_inputs=config.max_inputs, max_body_bytes=config.max_body_bytes)
    return create_app(service, metrics, limits)


def _sink(container: Container, config: ServeConfig, metrics: ServingMetrics) -> PredictionSink | None:
    """The prediction log with --log-predictions; else the container's own sink (None by default)."""
    if not config.log_predictions:
        return container.prediction_sink()
    options = PredictionLogOptions(
        sample_rate=config.sample_rate,
        flush_records=config.log_flush_records,
        flush_seconds=config.log_flush_seconds,
    )
    return container.prediction_log(metrics=metrics, options=options)


def serve(container: Container, config: ServeConfig) -> None:
    """Serve until SIGTERM or SIGINT (drained, returns) or a fatal failure (ServeError)."""
    missing = [name for name in _LIBRARIES if importlib.util.find_spec(name) is None]
    if missing:
        raise ServeError(f"codemill serve needs {', '.join(missing)}: pip install 'codemill[serve]'")
    if config.workers > 1:
        _serve_workers(container, config)
        return
    server, sock = prepared_server(container, config)
    _announce(config, sock.getsockname()[1])
    server.run(sockets=[sock])
    if server.failure:
        raise ServeError(server.failure)


def prepared_server(container: Container, config: ServeConfig) -> tuple[DrainingServer, socket.socket]:
    """A one-process server of `config`, bound (port 0: a free port) but not started."""
    from codemill.presentation.http.server import DrainingServer, bind, server_config

    sock = bind(config.host, config.port)
    server = DrainingServer(server_config(None, host=config.host, port=sock.getsockname()[1]))
    server.config.app = build_app(container, config, on_fatal=server.fail)
    return server, sock


def _serve_workers(container: Container, config: ServeConfig) -> None:
    from uvicorn.supervisors import Multiprocess

    from codemill.presentation.http.server import bind, server_config

    container.model_resolver().resolve(config.reference)  # an unknown reference fails here, once
    os.environ[WORKER_CONFIG_ENV] = json.dumps(dataclasses.asdict(config))
    os.environ.setdefault(PROMETHEUS_DIR_ENV, tempfile.mkdtemp(prefix="codemill-metrics-"))
    sock = bind(config.host, config.port)
    uconfig = server_config(
        "codemill.presentation.http.worker:worker_app",
        factory=True,
        host=config.host,
        port=sock.getsockname()[1],
        workers=config.workers,
    )
    _announce(config, sock.getsockname()[1])
    Multiprocess(uconfig, sockets=[sock]).run()  # each worker drains on SIGTERM; then this returns


def worker_config() -> ServeConfig:
    return ServeConfig(**json.loads(os.environ[WORKER_CONFIG_ENV]))


def _threads(workers: int) -> int | None:
    return max(1, len(os.sched_getaffinity(0)) // workers) if workers > 1 else None


def _announce(config: ServeConfig, port: int) -> None:
    log.info(
        "serving %s on http://%s:%d (max batch %d, max wait %g ms, %d worker%s%s)",
        config.reference,
        config.host,
        port,
        config.max_batch_size,
        config.max_latency_ms,
        config.workers,
        "s" if config.workers > 1 else "",
        f", logging {config.sample_rate:.0%} of inputs" if config.log_predictions else "",
    )
