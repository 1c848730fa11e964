"""`codemill serve` on a tiny trained classifier (tests/e2e/conftest.py): predict, batching, limits, metrics,
alias, SIGTERM."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from dependency_injector import providers

from codemill.domain.ports.model_loader import ModelLoader, ModelRunner
from codemill.domain.ports.model_resolver import ResolvedModel
from codemill.presentation.serving import ServeConfig
from tests.fakes.serving_fakes import FakeModelResolver
from tests.support.serving import HOST, RunningServer, answer, running_server, use_resolver

LABELS = {"go", "java", "python"}
SNIPPETS = ["def f(self):\n    return None", "func main() { defer x() }", "public static void main() {}"]
REF = "registry:kinds@prod"


def _config(**changes: object) -> ServeConfig:
    base = dict(
        reference=REF, max_batch_size=8, max_latency_ms=20, threads=1, max_inputs=8, max_body_bytes=4000
    )
    return ServeConfig(**{**base, **changes})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def server(classifier: Path) -> Iterator[RunningServer]:
    """The one server of the module: version 1 of registry:kinds, alias prod, not following it."""
    resolver = FakeModelResolver("kinds", {1: str(classifier)}, {"prod": 1})
    with running_server(use_resolver(resolver), _config(follow_alias=False)) as running:
        running.wait_ready()
        yield running


def _metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_predict_answers_a_label_and_probabilities_for_each_input_in_order(server: RunningServer) -> None:
    status, body = server.predict(SNIPPETS)
    assert status == 200
    assert (body["model"], body["version"]) == ("kinds", 1)
    assert len(body["predictions"]) == 3
    for prediction in body["predictions"]:
        probabilities = prediction["probabilities"]
        assert set(probabilities) == LABELS
        assert abs(sum(probabilities.values()) - 1.0) < 1e-4
        assert prediction["label"] == max(probabilities, key=probabilities.get)
    singles = [server.predict([code])[1]["predictions"][0] for code in SNIPPETS]
    assert [p["label"] for p in singles] == [p["label"] for p in body["predictions"]]


def test_concurrent_requests_are_answered_in_shared_batches(server: RunningServer) -> None:
    before = server.call("GET", "/metrics")[1]

    def client(index: int) -> list[int]:
        connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
        body = json.dumps({"inputs": SNIPPETS[: 1 + index % 3]}).encode()
        statuses = [answer(connection, "POST", "/v1/predict", body, {})[0] for _ in range(4)]
        connection.close()
        return statuses

    with ThreadPoolExecutor(12) as pool:
        statuses = [s for batch in pool.map(client, range(12)) for s in batch]
    after = server.call("GET", "/metrics")[1]
    assert statuses == [200] * 48
    batches = _metric(after, "codemill_batch_size_count") - _metric(before, "codemill_batch_size_count")
    inputs = _metric(after, "codemill_batch_size_sum") - _metric(before, "codemill_batch_size_sum")
    singles = _metric(after, 'codemill_batch_size_bucket{le="1.0"}') - _metric(
        before, 'codemill_batch_size_bucket{le="1.0"}'
    )
    assert inputs == 96
    assert batches - singles > 0 and batches < inputs  # batches of more than one input


BAD_REQUESTS = [
    ("POST", "/v1/predict", b'{"inputs": ["def f(): pass"', {}, 400, "not valid JSON"),
    ("POST", "/v1/predict", b'{"code": ["x"]}', {}, 422, "no 'inputs' field"),
    ("POST", "/v1/predict", b'{"inputs": []}', {}, 422, "empty"),
    ("POST", "/v1/predict", json.dumps({"inputs": ["x"] * 9}).encode(), {}, 413, "limit is 8"),
    ("POST", "/v1/predict", json.dumps({"inputs": ["x" * 5000]}).encode(), {}, 413, "limit is 4000"),
    ("POST", "/v1/predict", b'{"inputs": ["\xff\xfe"]}', {}, 400, "not UTF-8"),
    ("POST", "/v1/predict", b'{"inputs": ["ok", {"a": 1}]}', {}, 422, "inputs[1] is a object"),
    ("GET", "/v1/predict", None, {}, 405, "Method Not Allowed"),
    ("GET", "/nowhere", None, {}, 404, "Not Found"),
]


def test_every_bad_request_gets_a_4xx_and_one_line_and_the_server_keeps_serving(
    server: RunningServer,
) -> None:
    for method, path, body, headers, status, words in BAD_REQUESTS:
        got, payload = server.call(method, path, body, **headers)
        assert got == status, (path, body, payload)
        assert words in payload["error"] and "\n" not in payload["error"]
        assert set(payload) == {"error"}
    assert server.predict(SNIPPETS[:1])[0] == 200
    metrics = server.call("GET", "/metrics")[1]
    assert _metric(metrics, 'codemill_http_requests_total{code="413",path="/v1/predict"}') >= 2
    assert _metric(metrics, 'codemill_http_requests_total{code="404",path="other"}') >= 1


def test_metrics_expose_durations_batches_in_flight_status_codes_and_labels(server: RunningServer) -> None:
    server.predict(SNIPPETS)
    status, text = server.call("GET", "/metrics")
    assert status == 200
    for name in (
        'codemill_http_request_duration_seconds_bucket{le="0.005",path="/v1/predict"}',
        'codemill_batch_size_bucket{le="1.0"}',
        "codemill_batch_duration_seconds_count",
        "codemill_http_requests_in_flight",
        'codemill_http_requests_total{code="200",path="/v1/predict"}',
        "codemill_model_version",
    ):
        assert name in text, name
    counted = sum(_metric(text, f'codemill_predictions_total{{label="{label}"}}') for label in LABELS)
    assert counted >= 3 and _metric(text, "codemill_model_version") == 1.0


def test_the_model_endpoint_names_the_version_alias_and_lineage(server: RunningServer) -> None:
    status, body = server.call("GET", "/v1/model")
    assert status == 200
    assert (body["name"], body["version"], body["alias"], body["kind"]) == (
        "kinds",
        1,
        "prod",
        "single_label",
    )
    assert body["lineage"] == {"run": "run-1", "dataset": "kinds"}
    assert server.call("GET", "/healthz") == (200, {"status": "alive"})


def test_an_exported_onnx_int8_classifier_is_served_like_its_source(
    server: RunningServer, classifier: Path, tmp_path: Path
) -> None:
    from codemill.application.export.export_model import ExportModelRequest
    from codemill.presentation.container import Container
    from codemill.presentation.settings import Settings, StorageSettings

    container = Container()
    container.settings.override(Settings(storage=StorageSettings(root=tmp_path / "store"), work_dir=tmp_path))
    exported = container.export_model().execute(
        ExportModelRequest(model=str(classifier), quantization="int8", name="kinds-int8")
    )
    folder = tmp_path / "store" / "models" / exported.name
    resolver = FakeModelResolver("kinds", {1: str(folder)}, {"prod": 1})
    with running_server(use_resolver(resolver), _config(follow_alias=False)) as onnx_server:
        onnx_server.wait_ready()
        status, body = onnx_server.predict(SNIPPETS)
        assert (status, body["model"], body["version"]) == (200, "kinds", 1)
        assert onnx_server.call("GET", "/v1/model")[1]["kind"] == "single_label"
        metrics = onnx_server.call("GET", "/metrics")[1]
    expected = server.predict(SNIPPETS)[1]["predictions"]
    assert [p["label"] for p in body["predictions"]] == [p["label"] for p in expected]
    for onnx_p, torch_p in zip(body["predictions"], expected, strict=True):
        assert set(onnx_p["probabilities"]) == LABELS
        assert max(abs(onnx_p["probabilities"][n] - torch_p["probabilities"][n]) for n in LABELS) < 0.02
    assert _metric(metrics, 'codemill_http_requests_total{code="200",path="/v1/predict"}') == 1.0


class GatedLoader(ModelLoader):
    """The real loader, held back until the test opens the gate."""

    def __init__(self, inner: ModelLoader) -> None:
        self.inner, self.gate = inner, threading.Event()

    def load(self, model: ResolvedModel) -> ModelRunner:
        assert self.gate.wait(30)
        return self.inner.load(model)


def test_readyz_answers_503_until_the_model_is_loaded_and_warmed_up(classifier: Path) -> None:
    container = use_resolver(FakeModelResolver("kinds", {1: str(classifier)}, {"prod": 1}))
    gated = GatedLoader(container.model_loader(threads=1))
    container.model_loader.override(providers.Callable(lambda **_: gated))
    with running_server(container, _config()) as running:
        assert running.call("GET", "/healthz")[0] == 200
        for path in ("/readyz", "/v1/model"):
            status, body = running.call("GET", path)
            assert (status, body["error"]) == (503, "the model is still loading")
        assert running.predict(["x"])[0] == 503
        gated.gate.set()
        running.wait_ready(30)
        assert running.call("GET", "/readyz")[1]["status"] == "ready"
        assert running.predict(["x"])[0] == 200


def test_an_alias_that_moves_is_followed_under_load_without_a_failed_request(
    classifier: Path, tmp_path: Path
) -> None:
    second = shutil.copytree(classifier, tmp_path / "v2")
    resolver = FakeModelResolver("kinds", {1: str(classifier), 2: str(second)}, {"prod": 1})
    container = use_resolver(resolver)
    with running_server(container, _config(poll_seconds=0.1)) as running:
        running.wait_ready()
        stop = threading.Event()

        def load() -> list[tuple[int, int | None]]:
            connection = http.client.HTTPConnection(HOST, running.port, timeout=30)
            body = json.dumps({"inputs": SNIPPETS}).encode()
            seen = []
            while not stop.is_set() and len(seen) < 2000:
                status, payload = answer(connection, "POST", "/v1/predict", body, {})
                seen.append((status, payload.get("version")))
            connection.close()
            return seen

        with ThreadPoolExecutor(4) as pool:
            clients = [pool.submit(load) for _ in range(4)]
            time.sleep(0.5)
            resolver.point("prod", 2)
            deadline = time.monotonic() + 30
            while running.call("GET", "/v1/model")[1]["version"] != 2:
                assert time.monotonic() < deadline, "the server never switched"
                time.sleep(0.05)
            time.sleep(0.5)
            stop.set()
            seen = [answer for client in clients for answer in client.result()]
        loads = _metric(running.call("GET", "/metrics")[1], "codemill_model_loads_total")
    assert loads == 2
    assert {status for status, _ in seen} == {200}
    assert {version for _, version in seen} == {1, 2}
    for client in clients:  # each client sees version 1, then only version 2
        versions = [version for _, version in client.result()]
        assert versions == sorted(versions)


def test_sigterm_lets_in_flight_requests_finish_and_exits_0(classifier: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "tests.support.serve_process", "serve", str(classifier), "--port", "0"]
    command += ["--max-latency-ms", "1500", "--max-batch-size", "64", "--threads", "1"]
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(command, stderr=log, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        port = _port_from(log, process)
        running = RunningServer(base=f"http://{HOST}:{port}", port=port, server=None)  # type: ignore[arg-type]
        running.wait_ready(60)
        with ThreadPoolExecutor(3) as pool:
            pending = [pool.submit(running.predict, SNIPPETS) for _ in range(3)]
            time.sleep(0.5)  # the requests wait for their batch to fill
            process.send_signal(signal.SIGTERM)
            answers = [future.result(timeout=30) for future in pending]
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert [status for status, _ in answers] == [200, 200, 200]
    assert all(len(body["predictions"]) == 3 for _, body in answers)


def _port_from(log, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log.seek(0)
        found = re.search(r"on http://127\.0\.0\.1:(\d+)", log.read())
        if found:
            return int(found.group(1))
        assert process.poll() is None, f"codemill serve exited: {log.read()}"
        time.sleep(0.1)
    raise AssertionError("codemill serve did not say where it listens")
