"""SinkDispatcher: answered batches handed to a PredictionSink on its own thread, never blocking."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from codemill.domain.errors import first_line
from codemill.domain.ports.prediction_sink import ClosingPredictionSink, PredictionSink
from codemill.domain.prediction import PredictedBatch

log = logging.getLogger("codemill.serve")
_STOP = object()


class SinkDispatcher:
    """Feeds a PredictionSink from a bounded queue on one daemon thread.

    - `submit` never blocks: when `capacity` batches already wait, the batch
      is dropped and `on_problem('dropped')` is called.
    - A sink that raises is logged and `on_problem('failed')` is called;
      the thread goes on with the next batch.
    - `close` lets the queued batches through, then closes a
      ClosingPredictionSink on the same thread, waiting at most `timeout_s`.
    """

    def __init__(
        self,
        sink: PredictionSink,
        *,
        capacity: int = 1024,
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self._sink = sink
        self._queue: queue.Queue[object] = queue.Queue(maxsize=capacity)
        self._on_problem = on_problem or (lambda reason: None)
        self._thread = threading.Thread(target=self._drain, name="prediction-sink", daemon=True)
        self._thread.start()

    def submit(self, batch: PredictedBatch) -> None:
        try:
            self._queue.put_nowait(batch)
        except queue.Full:
            self._on_problem("dropped")

    def close(self, timeout_s: float = 5.0) -> None:
        try:
            self._queue.put(_STOP, timeout=timeout_s)
        except queue.Full:
            return
        self._thread.join(timeout_s)

    def _drain(self) -> None:
        while (batch := self._queue.get()) is not _STOP:
            assert isinstance(batch, PredictedBatch)  # nosec B101  # an invariant for the type checker, not a security check
            try:
                self._sink(batch)
            except Exception as exc:  # the sink is someone else's code: log it, keep serving
                log.warning("the prediction sink failed: %s", first_line(exc))
                self._on_problem("failed")
        if isinstance(self._sink, ClosingPredictionSink):
            try:
                self._sink.close()
            except Exception as exc:  # as above: logged and counted, the server still stops cleanly
                log.warning("the prediction sink failed to close: %s", first_line(exc))
                self._on_problem("failed")
