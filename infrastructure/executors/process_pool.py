"""ParallelExecutor on a pool of worker processes, in input order, with bounded memory."""

from __future__ import annotations

import itertools
import multiprocessing
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from codemill.infrastructure.executors.in_order import in_order, worker_for

T = TypeVar("T")
R = TypeVar("R")


def _run_batch(token: str, make_worker: Callable[[], Callable[[Any], Any]], batch: list[Any]) -> list[Any]:
    worker = worker_for(token, make_worker)
    return [worker(item) for item in batch]


class ProcessPoolParallelExecutor:
    """Runs batches of items in `workers` processes; one worker runs inline.

    Items are sent in batches of `batch_size`; at most `workers * window`
    batches are in flight, so a source of any size streams through in
    bounded memory. Processes start with 'spawn' (safe beside threads and
    native libraries) once, and serve every map until `close` (or the end of
    the process); each builds the worker of a map once, the first time it
    gets a batch of that map. A map that fails closes the pool.
    """

    def __init__(self, *, batch_size: int = 16, window: int = 3, start_method: str = "spawn") -> None:
        self._batch_size = batch_size
        self._window = window
        self._context = multiprocessing.get_context(start_method)
        self._pool: ProcessPoolExecutor | None = None
        self._pool_size = 0

    def map_ordered(
        self,
        make_worker: Callable[[], Callable[[T], R]],
        items: Iterable[T],
        *,
        workers: int,
    ) -> Iterator[R]:
        if workers <= 1:
            worker = make_worker()
            return (worker(item) for item in items)
        return self._pooled(make_worker, items, workers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _pooled(
        self, make_worker: Callable[[], Callable[[T], R]], items: Iterable[T], workers: int
    ) -> Iterator[R]:
        pool = self._pool_of(workers)
        token = uuid.uuid4().hex
        try:
            yield from in_order(
                lambda batch: pool.submit(_run_batch, token, make_worker, batch),
                _batched(items, self._batch_size),
                limit=workers * self._window,
                results=lambda future: future.result(),
                cancel=lambda future: future.cancel(),
            )
        except BaseException:
            self.close()
            raise

    def _pool_of(self, workers: int) -> ProcessPoolExecutor:
        if self._pool is None or self._pool_size != workers:
            self.close()
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=self._context)
            self._pool_size = workers
        return self._pool


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
