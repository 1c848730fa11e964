"""ParallelExecutor on a pool of worker processes, in input order, with bounded memory."""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_worker: Callable[[Any], Any] | None = None


def _init_worker(make_worker: Callable[[], Callable[[Any], Any]]) -> None:
    global _worker  # noqa: PLW0603 - one worker function per process, built once
    _worker = make_worker()


def _run_batch(batch: list[Any]) -> list[Any]:
    assert _worker is not None, "worker process was not initialised"
    return [_worker(item) for item in batch]


class ProcessPoolParallelExecutor:
    """Runs batches of items in `workers` processes; one worker (or one item) runs inline.

    Items are sent in batches of `batch_size`; at most `workers * window`
    batches are in flight, so a source of any size streams through in
    bounded memory. Processes start with 'spawn' (safe beside threads and
    native libraries); each builds its worker once.
    """

    def __init__(self, *, batch_size: int = 16, window: int = 3, start_method: str = "spawn") -> None:
        self._batch_size = batch_size
        self._window = window
        self._context = multiprocessing.get_context(start_method)

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

    def _pooled(
        self, make_worker: Callable[[], Callable[[T], R]], items: Iterable[T], workers: int
    ) -> Iterator[R]:
        batches = _batched(items, self._batch_size)
        pending: deque[Future[list[R]]] = deque()
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self._context,
            initializer=_init_worker,
            initargs=(make_worker,),
        ) as pool:
            try:
                for batch in batches:
                    pending.append(pool.submit(_run_batch, batch))
                    if len(pending) >= workers * self._window:
                        yield from pending.popleft().result()
                while pending:
                    yield from pending.popleft().result()
            except BaseException:
                for future in pending:
                    future.cancel()
                raise


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
