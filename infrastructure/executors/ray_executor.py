"""ParallelExecutor on Ray tasks: a local Ray, or a cluster of machines reached by its address."""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from codemill.domain.errors import ConfigurationError, InputError
from codemill.infrastructure.executors.in_order import in_order, worker_for

T = TypeVar("T")
R = TypeVar("R")

CONNECT_TIMEOUT_S = 10.0


def _run(token: str, make_worker: Callable[[], Callable[[Any], Any]], item: Any) -> Any:
    return worker_for(token, make_worker)(item)


class RayParallelExecutor:
    """Runs items as Ray tasks; results come back in input order.

    Contract (the ParallelExecutor port, plus): at most `workers * window`
    tasks are in flight, so the driver holds a few items and results at a
    time; each Ray worker process builds the worker once per map (a cache
    keyed by a token of the map); a task whose worker process dies is retried
    by Ray up to `max_retries` times, so workers must be idempotent (the
    collect step's are: a shard is staged again whole). Ray is started, or
    joined at `address`, when the executor is built: an address that does
    not answer fails within CONNECT_TIMEOUT_S seconds with one line, before
    any work. A Ray already running in this process is used as it is.
    """

    def __init__(self, *, address: str | None = None, window: int = 2, max_retries: int = 3) -> None:
        if window < 1 or max_retries < 0:
            raise ConfigurationError(f"window must be >= 1 and max_retries >= 0, got {window}, {max_retries}")
        self._window = window
        self._max_retries = max_retries
        self._ray = _connect(address)

    def map_ordered(
        self,
        make_worker: Callable[[], Callable[[T], R]],
        items: Iterable[T],
        *,
        workers: int,
    ) -> Iterator[R]:
        ray = self._ray
        remote = ray.remote(_run).options(num_cpus=1, max_retries=self._max_retries)
        token = uuid.uuid4().hex
        factory = ray.put(make_worker)
        return in_order(
            lambda item: remote.remote(token, factory, item),
            items,
            limit=max(1, workers) * self._window,
            results=lambda ref: (ray.get(ref),),
            cancel=ray.cancel,
        )

    def close(self) -> None:
        """Nothing to release: the Ray this process started or joined stays up for later maps."""


def _connect(address: str | None) -> Any:
    import ray

    if address and address != "auto":
        _check_reachable(address)
    if ray.is_initialized():
        return ray
    logging.getLogger("ray").setLevel(logging.WARNING)
    try:
        ray.init(
            address=address or None,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
            configure_logging=False,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"at {address}" if address else "on this machine"
        raise InputError(f"cannot start or join Ray {where}: {str(exc).splitlines()[0]}") from exc
    return ray


def _check_reachable(address: str) -> None:
    """One line, within CONNECT_TIMEOUT_S, when nothing listens at the cluster's address."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise InputError(f"Ray address {address!r} is not HOST:PORT (for example 10.0.0.1:6379)")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise InputError(
            f"cannot reach the Ray cluster at {address}: {exc.strerror or exc}; "
            "start it with `ray start --head` there, or fix --ray-address"
        ) from None
