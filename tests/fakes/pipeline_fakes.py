"""Step use cases for pipeline tests: each publishes a small manifest-last output and records its calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from codemill.application.pipeline.plan import PipelinePlan, PipelineScope
from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.storage.scoped_store import ScopedArtifactStore


@dataclass
class Calls:
    steps: list[str] = field(default_factory=list)
    stop_train_with: str | None = None  # a status: 'interrupted', 'diverged'
    train_requests: list[Any] = field(default_factory=list)
    passed: bool = True


def _publish(store: ArtifactStore, prefix: str, payload: str) -> Any:
    writer = ArtifactWriter(store, prefix, kind="fake")
    writer.write("data.txt", payload)
    return writer.publish()


class FakeStep:
    def __init__(self, step: str, store: ArtifactStore, calls: Calls) -> None:
        self.step, self.store, self.calls = step, store, calls

    def execute(self, request: Any) -> Any:
        self.calls.steps.append(self.step)
        return getattr(self, f"_{self.step}")(request)

    def _collect(self, request: Any) -> Any:
        _publish(self.store, f"corpora/{request.name}", repr(request.sources))
        stats = {
            "files": {"parsed": 3, "bytes": 3_000_000},
            "units": {"kept": 40, "rejected": 2},
            "sources": [{"source": "git@x", "commit": "abc123"}],
        }
        return SimpleNamespace(stats=stats)

    def _dataset(self, request: Any) -> Any:
        _publish(self.store, f"datasets/{request.name}", request.name)
        return SimpleNamespace(stats={"splits": {"train": 30, "validation": 5, "test": 5}})

    def _train(self, request: Any) -> Any:
        self.calls.train_requests.append(request)
        status = self.calls.stop_train_with or "completed"
        weights = f"weights of training call {len(self.calls.train_requests)}"  # every training differs
        manifest = (
            None if self.calls.stop_train_with else _publish(self.store, f"models/{request.name}", weights)
        )
        return SimpleNamespace(
            name=request.name,
            status=status,
            model_manifest=manifest,
            metrics={"bleu4": 30.0, "loss": 1.0},
            best_step=10,
            samples_per_second=50.0,
        )

    def _distill(self, request: Any) -> Any:
        manifest = _publish(
            self.store, f"models/{request.name}", f"student after {len(self.calls.steps)} calls"
        )
        return SimpleNamespace(
            name=request.name,
            status="completed",
            model_manifest=manifest,
            metrics={"bleu4": 29.25},
            teacher_metrics={"bleu4": 30.0},
            retention=0.975,
            report={"params_ratio": 0.2, "speedup": 3.5},
        )

    def _validate(self, request: Any) -> Any:
        _publish(self.store, f"validations/{request.model}", "report")
        self.store.put(f"validations/{request.model}/reliability.png", b"\x89PNG")
        checks = [
            SimpleNamespace(name="integrity", status="pass"),
            SimpleNamespace(name="quality", status="pass"),
        ]
        failures = [] if self.calls.passed else ["quality: bleu4 19.5 < 30"]
        return SimpleNamespace(passed=self.calls.passed, failures=failures, checks=checks)


def fake_scope(root: ArtifactStore, calls: Calls):  # type: ignore[no-untyped-def]
    def scope(run_id: str) -> PipelineScope:
        store = ScopedArtifactStore(root, f"pipelines/{run_id}")
        steps = {
            name: FakeStep(name, store, calls)
            for name in ("collect", "dataset", "train", "distill", "validate")
        }
        return PipelineScope(store=store, samples=_samples, **steps)  # type: ignore[arg-type]

    return scope


def _samples(name: str, split: str) -> list[Sample]:
    return [
        Sample(
            id="1", text="def get_user_name(user):\n    return user.name", target="Return the user's name."
        ),
        Sample(id="2", text="def close(self):\n    pass", target="Close the file."),
    ]


def plan(
    config: dict[str, Any] | None = None, *, distill: bool = True, validate: bool = True
) -> PipelinePlan:
    config = config or {"collect": {"sources": ["x"]}, "dataset": {}, "train": {"epochs": 1}}
    return PipelinePlan(
        config=config,
        collect=SimpleNamespace(name="code", sources=config["collect"]["sources"]),
        dataset=SimpleNamespace(name="task", task=TaskSpec(task=TaskType.GENERATION, subtask="summarize")),
        train=_Request(name="teacher", config=SimpleNamespace(model="tiny")),
        distill=_DistillRequest(name="student", student="micro") if distill else None,
        validate=SimpleNamespace(model="student" if distill else "teacher") if validate else None,
    )


@dataclass(frozen=True)
class _Request:
    name: str
    config: Any
    resume: Any = False


@dataclass(frozen=True)
class _DistillRequest:
    name: str
    student: str
    resume: Any = False
