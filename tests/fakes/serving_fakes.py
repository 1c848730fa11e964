"""Hand-written fakes of the serving ports: a model resolver with movable aliases, a model, metrics."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import final

from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.ports.model_loader import ModelLoader, ModelRunner
from codemill.domain.ports.model_resolver import REGISTRY_SCHEME, ModelResolver, ResolvedModel
from codemill.domain.ports.serving_metrics import ServingMetrics
from codemill.domain.prediction import Prediction


@final
class FakeModelResolver(ModelResolver):
    """One registry model, `name`, with `versions` (number -> folder) and movable `aliases`.

    Resolves registry:NAME@ALIAS, registry:NAME/VERSION and existing local
    folders (as themselves); `point` moves an alias while a server runs.
    """

    def __init__(self, name: str, versions: Mapping[int, str], aliases: Mapping[str, int]) -> None:
        self.name = name
        self.versions = dict(versions)
        self.aliases = dict(aliases)
        self.polls = 0
        self._lock = threading.Lock()

    def point(self, alias: str, version: int) -> None:
        with self._lock:
            self.aliases[alias] = version

    def resolve(self, reference: str) -> ResolvedModel:
        if not reference.startswith(REGISTRY_SCHEME):
            if Path(reference).is_dir():
                return ResolvedModel(reference=reference, folder=reference, name=Path(reference).name)
            raise ArtifactNotFoundError(f"no model {reference!r}: registry models: {self.name}")
        target = reference.removeprefix(REGISTRY_SCHEME)
        name, alias, version = self._parse(target)
        if name != self.name or version not in self.versions:
            raise ArtifactNotFoundError(f"no model {reference!r}: registry models: {self.name}")
        return ResolvedModel(
            reference=reference,
            folder=self.versions[version],
            name=name,
            version=version,
            alias=alias,
            fingerprint=f"sha256-of-version-{version}",
            lineage={"run": f"run-{version}", "dataset": "kinds"},
        )

    def current_version(self, name: str, alias: str) -> int | None:
        with self._lock:
            self.polls += 1
            return self.aliases.get(alias) if name == self.name else None

    def _parse(self, target: str) -> tuple[str, str | None, int | None]:
        if "@" in target:
            name, alias = target.split("@", 1)
            return name, alias, self.current_version(name, alias)
        name, _, number = target.partition("/")
        if not number.isdigit():
            raise InputError(f"expected registry:NAME@ALIAS or registry:NAME/VERSION, got {target!r}")
        return name, None, int(number)


@final
class EchoRunner(ModelRunner):
    """Labels each code with itself; records the batches; sleeps `delay_s` per batch; fails on 'boom'."""

    kind = "single_label"

    def __init__(self, delay_s: float = 0.0, tag: str = "") -> None:
        self.delay_s = delay_s
        self.tag = tag
        self.batches: list[list[str]] = []
        self.warmed: list[int] = []

    def predict(self, codes: Sequence[str]) -> list[Prediction]:
        self.batches.append(list(codes))
        time.sleep(self.delay_s)
        if "boom" in codes:
            raise RuntimeError("the model exploded")
        return [Prediction(label=self.tag + code, probabilities={"x": 1.0}) for code in codes]

    def warm_up(self, batch_sizes: Sequence[int]) -> None:
        self.warmed += list(batch_sizes)


@final
class EchoLoader(ModelLoader):
    """Loads an EchoRunner tagged with the version; fails for `broken` folders; waits for `gate` if set."""

    def __init__(self, *, delay_s: float = 0.0, broken: frozenset[str] = frozenset()) -> None:
        self.delay_s = delay_s
        self.broken = broken
        self.gate: threading.Event | None = None
        self.loaded: list[ResolvedModel] = []

    def load(self, model: ResolvedModel) -> ModelRunner:
        if self.gate is not None:
            self.gate.wait(30)
        if model.folder in self.broken:
            raise InputError(f"{model.folder} has no safetensors weights")
        self.loaded.append(model)
        return EchoRunner(self.delay_s, tag=f"v{model.version}:")


@final
class RecordingMetrics(ServingMetrics):
    """Keeps what it was told."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, int]] = []
        self.batch_sizes: list[int] = []
        self.switches: list[int | None] = []
        self.problems: list[str] = []
        self.logged = 0
        self.dropped = 0
        self.in_flight = 0

    def request_started(self) -> None:
        self.in_flight += 1

    def request_finished(self, path: str, status: int, seconds: float) -> None:
        self.in_flight -= 1
        self.requests.append((path, status))

    def batch_done(self, predictions: Sequence[Prediction], seconds: float) -> None:
        self.batch_sizes.append(len(predictions))

    def model_switched(self, name: str, version: int | None) -> None:
        self.switches.append(version)

    def sink_problem(self, reason: str) -> None:
        self.problems.append(reason)

    def prediction_log_written(self, records: int) -> None:
        self.logged += records

    def prediction_log_dropped(self, records: int) -> None:
        self.dropped += records

    def render(self) -> tuple[bytes, str]:
        return f"batches {self.batch_sizes}\n".encode(), "text/plain"
