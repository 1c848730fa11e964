"""PredictionLog: a server's answered batches, sampled and measured, appended to storage in files."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from codemill.domain.errors import first_line
from codemill.domain.monitoring_layout import log_name
from codemill.domain.ports.input_featurizer import InputFeaturizer
from codemill.domain.ports.prediction_log_store import PredictionLogStore
from codemill.domain.ports.serving_metrics import ServingMetrics
from codemill.domain.prediction import PredictedBatch
from codemill.domain.prediction_record import PredictionRecord, record_of

log = logging.getLogger("codemill.serve")


@dataclass(frozen=True, kw_only=True)
class PredictionLogOptions:
    sample_rate: float = 1.0  # the share of inputs logged, in (0, 1]
    flush_records: int = 1_000  # write a file once this many records wait
    flush_seconds: float = 60.0  # ... or once the oldest waiting record is this old

    def __post_init__(self) -> None:
        if not 0 < self.sample_rate <= 1:
            raise ValueError(f"sample_rate must be in (0, 1], got {self.sample_rate}")
        if self.flush_records < 1 or self.flush_seconds <= 0:
            raise ValueError("flush_records must be at least 1 and flush_seconds above 0")


class PredictionLog:
    """A ClosingPredictionSink that logs a sample of the inputs a server answered.

    - Each input is kept with probability `sample_rate`, independently;
      kept inputs are measured by the featurizer with the answering model's
      tokenizer, and recorded with the model's version and fingerprint, the
      prediction's label (or generated length) and confidence, and the
      batch's model time. The code itself is not kept.
    - Records wait in memory and are written as one file when
      `flush_records` wait, when the oldest is `flush_seconds` old (checked
      by a timer thread of its own, so a quiet server flushes too), and at
      `close`.
    - A file that cannot be written is not retried: its records are
      dropped, logged and counted (`prediction_log_dropped`), so memory
      stays bounded while storage is down; written ones are counted too.
    """

    def __init__(
        self,
        *,
        store: PredictionLogStore,
        featurizer: InputFeaturizer,
        metrics: ServingMetrics,
        options: PredictionLogOptions,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._featurizer = featurizer
        self._metrics = metrics
        self._options = options
        self._rng = rng or random.Random()  # nosec B311  # seeded random for reproducible sampling, not cryptography
        self._clock = clock
        self._lock = threading.Lock()
        self._waiting: dict[str, list[PredictionRecord]] = {}
        self._oldest: float | None = None
        self._closed = threading.Event()
        self._timer = threading.Thread(target=self._tick, name="prediction-log-flush", daemon=True)
        self._timer.start()

    def __call__(self, batch: PredictedBatch) -> None:
        chosen = self._sample(len(batch.inputs))
        if not chosen:
            return
        records = self._records(batch, chosen)
        with self._lock:
            self._waiting.setdefault(log_name(batch.model), []).extend(records)
            if self._oldest is None:
                self._oldest = self._clock()
            due = sum(map(len, self._waiting.values())) >= self._options.flush_records
        if due:
            self.flush()

    def flush(self) -> None:
        """Write every waiting record now, one file per monitored name."""
        with self._lock:
            waiting, self._waiting, self._oldest = self._waiting, {}, None
        for name, records in waiting.items():
            self._write(name, records)

    def close(self) -> None:
        self._closed.set()
        self.flush()

    def _sample(self, count: int) -> list[int]:
        rate = self._options.sample_rate
        return [index for index in range(count) if rate >= 1 or self._rng.random() < rate]

    def _records(self, batch: PredictedBatch, chosen: Sequence[int]) -> list[PredictionRecord]:
        codes = [batch.inputs[index] for index in chosen]
        features = self._featurizer.featurize(batch.folder, codes)
        predictions = [batch.predictions[index] for index in chosen]
        texts = [p.text for p in predictions if p.text is not None]
        lengths = iter(self._featurizer.token_counts(batch.folder, texts) if texts else [])
        return [
            record_of(
                time=batch.finished_at,
                model=batch.model,
                version=batch.version,
                fingerprint=batch.fingerprint,
                features=measured,
                prediction=prediction,
                output_length=next(lengths) if prediction.text is not None else None,
                latency_ms=batch.seconds * 1000.0,
            )
            for measured, prediction in zip(features, predictions, strict=True)
        ]

    def _write(self, name: str, records: list[PredictionRecord]) -> None:
        try:
            key = self._store.append(name, records)
        except Exception as exc:  # storage down, full, refusing: these records are lost, and counted
            log.warning("prediction log: %d records of %s dropped: %s", len(records), name, first_line(exc))
            self._metrics.prediction_log_dropped(len(records))
            return
        log.debug("prediction log: %d records written to %s", len(records), key)
        self._metrics.prediction_log_written(len(records))

    def _tick(self) -> None:
        interval = min(1.0, self._options.flush_seconds / 4)
        while not self._closed.wait(interval):
            with self._lock:
                oldest = self._oldest
            if oldest is not None and self._clock() - oldest >= self._options.flush_seconds:
                self.flush()
