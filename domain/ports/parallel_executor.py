"""Port: run a per-item function over many items, possibly in several processes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class ParallelExecutor(Protocol):
    """Applies a worker function, built once per worker process, to items.

    Contract: results come back in input order; `make_worker` is called once
    in each worker (so caches such as parsers live per process); with more
    than one worker, `make_worker`, items and results must be picklable;
    memory stays bounded (only a few batches are in flight at once); an
    exception raised by the worker propagates to the caller. Worker
    processes may serve several maps; `close` releases them (the executor
    can still be used afterwards, starting new ones).
    """

    def map_ordered(
        self,
        make_worker: Callable[[], Callable[[T], R]],
        items: Iterable[T],
        *,
        workers: int,
    ) -> Iterator[R]: ...

    def close(self) -> None: ...
