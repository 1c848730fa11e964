"""Port: where a model server hands each answered batch (a prediction log, drift monitoring)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from codemill.domain.prediction import PredictedBatch


class PredictionSink(Protocol):
    """Receives every batch a server answered.

    Contract: called after the batch's requests were answered, from one
    background thread, never on a request's path, batches in the order they
    were answered. A sink may be slow: batches that arrive while it is
    further behind than the server's queue allows are dropped and counted.
    An exception is logged and counted, and serving goes on.
    """

    def __call__(self, batch: PredictedBatch) -> None: ...


@runtime_checkable
class ClosingPredictionSink(PredictionSink, Protocol):
    """A sink that holds something back (a buffer): `close` is called once when the server stops,
    on the sink's thread, after its last batch, so that it can write out what it holds."""

    def close(self) -> None: ...
