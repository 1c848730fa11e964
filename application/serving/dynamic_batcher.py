"""DynamicBatcher: the inputs of concurrent requests grouped into bounded batches for one model."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

from codemill.application.serving.load_model import LoadedModel
from codemill.application.serving.served_model import ServedModel
from codemill.domain.ports.model_resolver import ResolvedModel
from codemill.domain.prediction import Prediction

BatchListener = Callable[[LoadedModel, Sequence[str], Sequence[Prediction], float], None]


@dataclass(frozen=True, kw_only=True)
class Answer:
    """A request's predictions, in input order, and the model that gave (the last of) them."""

    model: ResolvedModel
    predictions: list[Prediction]


@dataclass(eq=False)
class _Job:
    codes: Sequence[str]
    future: asyncio.Future[Answer]
    arrived: float
    results: list[Prediction | None] = field(default_factory=list)
    taken: int = 0
    answered: int = 0

    @property
    def waiting(self) -> int:
        return len(self.codes) - self.taken


class DynamicBatcher:
    """Groups the inputs of concurrent requests into batches.

    - A batch holds at most `max_batch_size` inputs. It starts as soon as it
      is full, else `max_latency_s` after its oldest input arrived.
    - A request's inputs may be split across batches; its answer keeps
      their order.
    - Batches run one at a time on `executor`. The model is taken from
      `served` at the start of each batch, so a swap lands between batches.
    - A batch that raises fails only the requests with inputs in it; a
      request whose caller went away is skipped.
    - `listener` hears of every answered batch (metrics, prediction log).
    """

    def __init__(
        self,
        served: ServedModel,
        executor: Executor,
        *,
        max_batch_size: int,
        max_latency_s: float,
        listener: BatchListener | None = None,
    ) -> None:
        if max_batch_size < 1 or max_latency_s < 0:
            raise ValueError("max_batch_size must be >= 1 and max_latency_s >= 0")
        self._served = served
        self._executor = executor
        self._max = max_batch_size
        self._latency = max_latency_s
        self._listener = listener
        self._pending: deque[_Job] = deque()
        self._wakeup = asyncio.Event()

    async def predict(self, codes: Sequence[str]) -> Answer:
        """Queue `codes` and wait for all their predictions."""
        loop = asyncio.get_running_loop()
        job = _Job(codes=codes, future=loop.create_future(), arrived=loop.time())
        job.results = [None] * len(codes)
        self._pending.append(job)
        self._wakeup.set()
        return await job.future

    async def run(self) -> None:
        """Form and run batches until cancelled."""
        loop = asyncio.get_running_loop()
        while True:
            batch = await self._next_batch()
            if not batch:
                continue
            loaded = self._served.current
            codes = [job.codes[index] for job, index in batch]
            start = time.perf_counter()
            try:
                predictions = await loop.run_in_executor(self._executor, loaded.runner.predict, codes)
                if len(predictions) != len(codes):
                    raise RuntimeError(f"the model gave {len(predictions)} answers for {len(codes)} inputs")
            except Exception as exc:  # the model's failure belongs to these requests only
                self._fail(batch, exc)
                continue
            self._answer(batch, predictions, loaded.model)
            if self._listener is not None:
                self._listener(loaded, codes, predictions, time.perf_counter() - start)

    async def _next_batch(self) -> list[tuple[_Job, int]]:
        loop = asyncio.get_running_loop()
        while not self._live_jobs():
            self._wakeup.clear()
            await self._wakeup.wait()
        deadline = self._pending[0].arrived + self._latency
        while self._waiting() < self._max and (remaining := deadline - loop.time()) > 0:
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except TimeoutError:
                break
        return self._take()

    def _live_jobs(self) -> bool:
        while self._pending and self._pending[0].future.done():
            self._pending.popleft()  # its caller went away
        return bool(self._pending)

    def _waiting(self) -> int:
        return sum(job.waiting for job in self._pending if not job.future.done())

    def _take(self) -> list[tuple[_Job, int]]:
        batch: list[tuple[_Job, int]] = []
        while self._pending and len(batch) < self._max:
            job = self._pending[0]
            if job.future.done():
                self._pending.popleft()
                continue
            count = min(job.waiting, self._max - len(batch))
            batch += [(job, job.taken + offset) for offset in range(count)]
            job.taken += count
            if job.waiting == 0:
                self._pending.popleft()
        return batch

    @staticmethod
    def _answer(
        batch: list[tuple[_Job, int]], predictions: Sequence[Prediction], model: ResolvedModel
    ) -> None:
        for (job, index), prediction in zip(batch, predictions, strict=True):
            job.results[index] = prediction
            job.answered += 1
            if job.answered == len(job.codes) and not job.future.done():
                job.future.set_result(
                    Answer(model=model, predictions=[p for p in job.results if p is not None])
                )

    @staticmethod
    def _fail(batch: list[tuple[_Job, int]], exc: Exception) -> None:
        for job, _ in batch:
            if not job.future.done():
                job.future.set_exception(exc)
