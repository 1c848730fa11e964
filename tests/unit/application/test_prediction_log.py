"""PredictionLog with fakes: sampling, records, flushing by count, time and shutdown, storage failures."""

from __future__ import annotations

import random
import time

import pytest

from codemill.application.monitoring.prediction_log import PredictionLog, PredictionLogOptions
from codemill.application.serving.sink_dispatcher import SinkDispatcher
from codemill.domain.prediction import PredictedBatch, Prediction
from tests.fakes.monitoring_fakes import MemoryPredictionLog, WordFeaturizer
from tests.fakes.serving_fakes import RecordingMetrics

CODE = "def f ( x ) : if x : return 1"
LABELLED = Prediction(label="python", probabilities={"python": 0.7, "go": 0.3})


def _batch(size: int, prediction: Prediction = LABELLED, model: str = "kinds") -> PredictedBatch:
    return PredictedBatch(
        model=model,
        version=3,
        fingerprint="sha-3",
        inputs=tuple(f"{CODE} {i}" for i in range(size)),
        predictions=(prediction,) * size,
        finished_at=1_750_000_000.0,
        seconds=0.025,
        folder="/models/kinds-3",
    )


def _log(**options: float) -> tuple[PredictionLog, MemoryPredictionLog, RecordingMetrics, WordFeaturizer]:
    store, metrics, featurizer = MemoryPredictionLog(), RecordingMetrics(), WordFeaturizer()
    chosen = PredictionLogOptions(**{"flush_records": 1000, "flush_seconds": 3600, **options})  # type: ignore[arg-type]
    log = PredictionLog(
        store=store, featurizer=featurizer, metrics=metrics, options=chosen, rng=random.Random(7)
    )
    return log, store, metrics, featurizer


def test_each_input_becomes_a_record_of_its_features_and_its_answer() -> None:
    log, store, metrics, featurizer = _log()
    log(_batch(2))
    assert store.files == []  # waits for a flush
    log.close()
    [(name, records)] = store.files
    assert name == "kinds" and len(records) == 2 and metrics.logged == 2
    record = records[0]
    assert (record.model, record.version, record.fingerprint) == ("kinds", 3, "sha-3")
    assert (record.tokens, record.language, record.complexity, record.oov_rate) == (12, "python", 2.0, 0.0)
    assert (record.label, record.confidence, record.output_length) == ("python", 0.7, None)
    assert record.latency_ms == pytest.approx(25.0) and record.time == 1_750_000_000.0
    assert featurizer.folders == ["/models/kinds-3"]


def test_generations_record_their_length_and_no_label_or_confidence() -> None:
    log, store, _, _ = _log()
    log(_batch(1, Prediction(text="get user name")))
    log.close()
    record = store.files[0][1][0]
    assert (record.label, record.confidence, record.output_length) == (None, None, 3)


def test_multi_label_answers_are_recorded_as_joined_labels() -> None:
    log, store, _, _ = _log()
    log(_batch(1, Prediction(labels=("B101", "B602"), probabilities={"B101": 0.8, "B602": 0.6})))
    log(_batch(1, Prediction(labels=(), probabilities={"B101": 0.1})))
    log.close()
    assert [r.label for r in store.files[0][1]] == ["B101,B602", "none"]


def test_a_sample_rate_keeps_about_that_share_of_inputs() -> None:
    log, store, metrics, _ = _log(sample_rate=0.25)
    for _ in range(40):
        log(_batch(10))
    log.close()
    assert 70 <= metrics.logged <= 130 and sum(len(r) for _, r in store.files) == metrics.logged


def test_a_file_is_written_every_n_records() -> None:
    log, store, _, _ = _log(flush_records=5)
    for _ in range(6):
        log(_batch(2))
    assert [len(records) for _, records in store.files] == [6, 6]
    log.close()
    assert [len(records) for _, records in store.files] == [6, 6]  # nothing was left waiting


def test_a_quiet_server_writes_its_records_after_flush_seconds() -> None:
    log, store, _, _ = _log(flush_seconds=0.2)
    log(_batch(3))
    deadline = time.monotonic() + 5
    while not store.files:
        assert time.monotonic() < deadline, "the timer never flushed"
        time.sleep(0.02)
    assert len(store.files[0][1]) == 3
    log.close()


def test_records_that_storage_refuses_are_dropped_and_counted_never_kept() -> None:
    log, store, metrics, _ = _log(flush_records=4)
    store.down = True
    for _ in range(3):
        log(_batch(4))
    assert (metrics.dropped, metrics.logged, store.files) == (12, 0, [])
    store.down = False
    log(_batch(1))
    log.close()
    assert metrics.logged == 1 and [len(r) for _, r in store.files] == [1]


def test_the_dispatcher_closes_the_log_when_the_server_stops_so_nothing_waits_in_memory() -> None:
    log, store, metrics, _ = _log()
    dispatcher = SinkDispatcher(log, capacity=8, on_problem=metrics.sink_problem)
    for _ in range(3):
        dispatcher.submit(_batch(2))
    dispatcher.close()
    assert sum(len(records) for _, records in store.files) == 6 and metrics.problems == []


def test_a_folder_served_under_an_odd_name_is_logged_under_a_safe_one() -> None:
    log, store, _, _ = _log()
    log(_batch(1, model="my model (v2)"))
    log.close()
    assert store.files[0][0] == "my-model-v2"


@pytest.mark.parametrize("rate", [0.0, 1.5])
def test_a_sample_rate_outside_0_1_is_refused(rate: float) -> None:
    with pytest.raises(ValueError, match="sample_rate"):
        PredictionLogOptions(sample_rate=rate)
