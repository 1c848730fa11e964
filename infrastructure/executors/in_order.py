"""What both executors share: a worker built once per process and map, and a bounded window in input order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
F = TypeVar("F")
R = TypeVar("R")

_workers: dict[str, Callable[[Any], Any]] = {}  # per worker process: token of a map -> its built worker


def worker_for(token: str, make_worker: Callable[[], Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """The worker of the map `token` in this process, built on first use; an earlier map's is dropped."""
    worker = _workers.get(token)
    if worker is None:
        _workers.clear()
        worker = _workers[token] = make_worker()
    return worker


def in_order(
    submit: Callable[[T], F],
    items: Iterable[T],
    *,
    limit: int,
    results: Callable[[F], Iterable[R]],
    cancel: Callable[[F], object],
) -> Iterator[R]:
    """Submits items with at most `limit` pending; yields each one's results in input order.

    Whatever is still pending when the consumer stops or a result raises is cancelled.
    """
    pending: deque[F] = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= limit:
                yield from results(pending.popleft())
        while pending:
            yield from results(pending.popleft())
    finally:
        for future in pending:
            cancel(future)
