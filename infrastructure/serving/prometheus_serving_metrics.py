"""ServingMetrics on prometheus-client: one registry per server, or shared files across worker processes."""

from __future__ import annotations

import os
from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from codemill.domain.prediction import Prediction

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # set: the workers of one server share their metrics
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)


class PrometheusServingMetrics:
    """The server's metrics, all prefixed `codemill_`.

    With PROMETHEUS_MULTIPROC_DIR set (several worker processes), values
    live in that folder's files and `render` adds up every worker's.
    """

    def __init__(self) -> None:
        self._shared = bool(os.environ.get(MULTIPROCESS_DIR))
        self._registry = CollectorRegistry(auto_describe=True)
        registry = self._registry
        self.requests = Counter(
            "codemill_http_requests",
            "HTTP requests by route and status code.",
            ["path", "code"],
            registry=registry,
        )
        self.duration = Histogram(
            "codemill_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["path"],
            buckets=_SECONDS,
            registry=registry,
        )
        self.in_flight = Gauge(
            "codemill_http_requests_in_flight",
            "HTTP requests being answered.",
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.batch_size = Histogram(
            "codemill_batch_size", "Inputs per batch run by the model.", buckets=_SIZES, registry=registry
        )
        self.batch_duration = Histogram(
            "codemill_batch_duration_seconds",
            "Time the model spent on one batch.",
            buckets=_SECONDS,
            registry=registry,
        )
        self.predictions = Counter(
            "codemill_predictions",
            "Predictions by predicted label ('generated' for generators).",
            ["label"],
            registry=registry,
        )
        self.version = Gauge(
            "codemill_model_version",
            "Registry version being served (0 outside the registry).",
            multiprocess_mode="liveall",
            registry=registry,
        )
        self.switches = Counter(
            "codemill_model_loads",
            "Models loaded and swapped in (the first one included).",
            registry=registry,
        )
        self.sink = Counter(
            "codemill_prediction_sink_problems",
            "Batches the prediction sink dropped or failed on.",
            ["reason"],
            registry=registry,
        )
        self.log_written = Counter(
            "codemill_prediction_log_records",
            "Prediction log records written to storage.",
            registry=registry,
        )
        self.log_dropped = Counter(
            "codemill_prediction_log_dropped",
            "Prediction log records lost because storage failed.",
            registry=registry,
        )

    def request_started(self) -> None:
        self.in_flight.inc()

    def request_finished(self, path: str, status: int, seconds: float) -> None:
        self.in_flight.dec()
        self.requests.labels(path, str(status)).inc()
        self.duration.labels(path).observe(seconds)

    def batch_done(self, predictions: Sequence[Prediction], seconds: float) -> None:
        self.batch_size.observe(len(predictions))
        self.batch_duration.observe(seconds)
        for prediction in predictions:
            for label in prediction.counted_labels():
                self.predictions.labels(label).inc()

    def model_switched(self, name: str, version: int | None) -> None:
        self.version.set(version or 0)
        self.switches.inc()

    def sink_problem(self, reason: str) -> None:
        self.sink.labels(reason).inc()

    def prediction_log_written(self, records: int) -> None:
        self.log_written.inc(records)

    def prediction_log_dropped(self, records: int) -> None:
        self.log_dropped.inc(records)

    def render(self) -> tuple[bytes, str]:
        if not self._shared:
            return generate_latest(self._registry), CONTENT_TYPE_LATEST
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
