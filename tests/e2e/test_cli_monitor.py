"""`codemill serve --log-predictions`, then `codemill monitor drift`, on the registry and storage of one test:
a stream like the model's validation split has no drift; long JavaScript drifts in length and language."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from codemill.domain.dataset import Sample
from codemill.domain.ports.dataset_repository import DatasetBundle
from codemill.presentation.container import Container
from codemill.presentation.serving import ServeConfig
from tests.e2e.conftest import RunCli
from tests.integration.training.training_data import CLASSIFICATION, LANGUAGE_WORDS
from tests.support.serving import RunningServer, classifier_splits, running_server

REF = "registry:kinds@prod"
MONITOR = ("monitor", "drift", "kinds", "--min-samples", "20")  # the validation split has 24 samples


def _javascript(index: int) -> str:
    lines = [
        f"  const total{j} = items.map((item) => item.weight * {j} + {index});\n  console.log(total{j});"
        for j in range(12)
    ]
    return f"function summarize{index}(items) {{\n" + "\n".join(lines) + "\n  return items.length === 0;\n}\n"


@pytest.fixture
def registered(
    run_cli: RunCli, classifier: Path, data_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[Sample]:
    """The shared classifier as registry:kinds@prod, and its validation split published as dataset `kinds`."""
    for name, value in {
        "CODEMILL_STORAGE__ROOT": str(data_root),
        "CODEMILL_CACHE_DIR": str(tmp_path / "cache"),
        "CODEMILL_USER": "ada",
        "HF_HUB_OFFLINE": "1",
    }.items():
        monkeypatch.setenv(name, value)
    result = run_cli("registry", "register", str(classifier), "--name", "kinds", "--alias", "prod")
    assert result.exit_code == 0, result.output
    splits = classifier_splits()
    bundle = DatasetBundle(task=CLASSIFICATION, label_names=tuple(sorted(LANGUAGE_WORDS)))
    Container().datasets().publish("kinds", splits, bundle)
    return splits["validation"]


@contextmanager
def _server(reference: str) -> Iterator[RunningServer]:
    """A server of `reference` logging every input, a file every 16 records; stopping it flushes the rest."""
    config = ServeConfig(
        reference=reference,
        max_batch_size=8,
        max_latency_ms=5,
        threads=1,
        follow_alias=False,
        log_predictions=True,
        log_flush_records=16,
    )
    with running_server(Container(), config) as server:
        server.wait_ready()
        yield server


def _send(server: RunningServer, codes: Sequence[str]) -> None:
    for start in range(0, len(codes), 8):
        status, body = server.predict(list(codes[start : start + 8]))
        assert status == 200, body


def _metric(server: RunningServer, name: str, at_least: float) -> float:
    deadline = time.monotonic() + 30
    while True:
        found = re.search(rf"^{name} (\S+)$", server.call("GET", "/metrics")[1], re.MULTILINE)
        value = float(found.group(1)) if found else 0.0
        if value >= at_least or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_a_reference_like_stream_has_no_drift_and_long_javascript_drifts_in_length_and_language(
    registered: list[Sample], run_cli: RunCli, data_root: Path, tmp_path: Path
) -> None:
    reference_like = [sample.text for sample in registered] * 3
    with _server(REF) as server:
        _send(server, reference_like)
        assert _metric(server, "codemill_prediction_log_records_total", 64) >= 64
    files = sorted((data_root / "monitoring" / "kinds" / "predictions").glob("*.parquet"))
    assert sum(pq.read_metadata(file).num_rows for file in files) == 72  # the last 8 flushed at shutdown

    unnamed = run_cli(*MONITOR)  # a version registered from a folder records no dataset
    assert unnamed.exit_code == 2 and unnamed.stderr.strip() == (
        "Error: the lineage of registry:kinds/1 names no dataset it was trained on: "
        "name the reference with --reference DATASET"
    )
    calm = run_cli(*MONITOR, "--reference", "kinds", "--out", str(tmp_path / "calm"))
    assert calm.exit_code == 0, calm.output
    assert "kinds: no drift; 72 logged inputs" in calm.stdout
    assert "24 samples of kinds/validation predicted by registry:kinds/1" in calm.stdout
    assert {path.name for path in (tmp_path / "calm").iterdir()} == {"drift.json", "drift.md"}

    boundary = datetime.now(UTC).isoformat()
    with _server(REF) as server:
        _send(server, [_javascript(index) for index in range(40)])
    shifted = run_cli(*MONITOR, "--reference", "kinds", "--since", boundary, "--json")
    assert shifted.exit_code == 1, shifted.output
    report = json.loads(shifted.stdout)
    assert report["drift"] is True and {"tokens", "language"} <= set(report["drifted"])
    assert report["current_count"] == 40
    language = next(feature for feature in report["features"] if feature["name"] == "language")
    assert language["current"] == {"javascript": 1.0} and language["js_distance"] > 0.9
    stored = data_root / report["stored"][-1]
    assert {"drift.json", "drift.md", "manifest.json"} <= {path.name for path in stored.iterdir()}
    assert (stored / "figures" / "tokens.png").read_bytes().startswith(b"\x89PNG")


def test_records_are_dropped_and_counted_when_storage_refuses_them_and_requests_still_succeed(
    registered: list[Sample], classifier: Path, data_root: Path
) -> None:
    blocked = data_root / "monitoring" / classifier.name / "predictions"
    blocked.parent.mkdir(parents=True)
    blocked.write_text("a file where the log's folder should be")
    with _server(str(classifier)) as server:
        _send(server, [sample.text for sample in registered])
        assert _metric(server, "codemill_prediction_log_dropped_total", 16) == 16
        assert _metric(server, "codemill_prediction_log_records_total", 0) == 0


USAGE_ERRORS = [
    (("monitor", "drift", "kinds", "--since", "yesterday"), "cannot read --since 'yesterday'"),
    (("monitor", "drift", "kinds", "--psi-warning", "0.3"), "--psi-warning 0.3 is above --psi-drift 0.2"),
    (("monitor", "drift", "kinds"), "no predictions logged for 'kinds' (logged: none yet)"),
    (("serve", "./model", "--sample-rate", "0.5"), "--sample-rate needs --log-predictions"),
]


@pytest.mark.parametrize(("args", "words"), USAGE_ERRORS)
def test_bad_usage_exits_2_with_the_reason(run_cli: RunCli, args: tuple[str, ...], words: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2 and words in result.stderr, result.output
    assert "Traceback" not in result.output
