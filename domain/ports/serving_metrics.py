"""Port: the counters and histograms of a model server, and their exposition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from codemill.domain.prediction import Prediction


class ServingMetrics(Protocol):
    """What a model server measures.

    Contract: every recording method is cheap and thread-safe (called on
    the request path, from the inference thread and from the prediction
    sink's threads); `path` is a route of the server (a bounded set), never
    a raw URL; `render` returns the exposition text and its content type. `prediction_log_written` and
    `prediction_log_dropped` count the prediction log's records stored, and
    those lost because storage failed.
    """

    def request_started(self) -> None: ...

    def request_finished(self, path: str, status: int, seconds: float) -> None: ...

    def batch_done(self, predictions: Sequence[Prediction], seconds: float) -> None: ...

    def model_switched(self, name: str, version: int | None) -> None: ...

    def sink_problem(self, reason: str) -> None: ...

    def prediction_log_written(self, records: int) -> None: ...

    def prediction_log_dropped(self, records: int) -> None: ...

    def render(self) -> tuple[bytes, str]: ...
