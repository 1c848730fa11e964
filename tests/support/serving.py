"""Real servers of tiny trained models on free loopback ports, and a small HTTP client for them."""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dependency_injector import providers

from codemill.domain.dataset import Sample
from codemill.domain.ports.model_resolver import ModelResolver
from codemill.presentation.container import Container
from codemill.presentation.http.server import DrainingServer
from codemill.presentation.serving import ServeConfig, prepared_server
from tests.integration.training.training_data import (
    CLASSIFICATION,
    GENERATION,
    LANGUAGE_WORDS,
    language_samples,
    name_samples,
    training_job,
    write_dataset,
)

HOST = "127.0.0.1"


def classifier_splits() -> dict[str, list[Sample]]:
    """The splits `train_classifier` trains and evaluates on (the same samples every call)."""
    return {"train": language_samples(120, 1), "validation": language_samples(24, 2), "test": []}


def train_classifier(root: Path) -> Path:
    """A tiny RoBERTa that tells Python, Go and Java snippets apart (about 2 s on one core)."""
    data = write_dataset(root / "data", CLASSIFICATION, classifier_splits(), sorted(LANGUAGE_WORDS))
    return train_model(data, CLASSIFICATION, root / "run", max_steps=20, eval_every=20, batch_size=16)


def train_generator(root: Path) -> Path:
    """A tiny T5 trained for a few steps to name methods."""
    splits = {"train": name_samples(64, 1), "validation": name_samples(8, 2), "test": []}
    data = write_dataset(root / "data", GENERATION, splits)
    return train_model(
        data,
        GENERATION,
        root / "run",
        max_steps=10,
        eval_every=1000,
        batch_size=16,
        learning_rate=3e-3,
        max_target_length=8,
        generation_max_length=8,
    )


def train_model(data: Path, task: Any, output: Path, **config: Any) -> Path:
    from codemill.domain.ports.progress import NullProgress
    from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer

    outcome = HfModelTrainer().train(training_job(data, task, output, **config), NullProgress())
    assert outcome.best_model_dir is not None
    return Path(outcome.best_model_dir)


def use_resolver(resolver: ModelResolver) -> Container:
    """A container whose model_resolver is `resolver`."""
    container = Container()
    container.model_resolver.override(providers.Object(resolver))
    return container


@dataclass
class RunningServer:
    base: str
    port: int
    server: DrainingServer

    def call(self, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple[int, Any]:
        """One request on a fresh connection: the status and the JSON (or text) answer."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            return answer(connection, method, path, body, headers)
        finally:
            connection.close()

    def predict(self, inputs: Any) -> tuple[int, Any]:
        return self.call("POST", "/v1/predict", json.dumps({"inputs": inputs}).encode())

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while self.call("GET", "/readyz")[0] != 200:
            assert time.monotonic() < deadline, "the server did not get ready"
            time.sleep(0.05)


def answer(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
) -> tuple[int, Any]:
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    kind = response.getheader("content-type", "")
    return response.status, json.loads(payload) if kind.startswith("application/json") else payload.decode()


@contextlib.contextmanager
def running_server(container: Container, config: ServeConfig) -> Iterator[RunningServer]:
    """`codemill serve`'s app and server in a thread of this process, on a free loopback port."""
    server, sock = prepared_server(container, dataclasses.replace(config, host=HOST, port=0))
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield RunningServer(base=f"http://{HOST}:{port}", port=port, server=server)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
