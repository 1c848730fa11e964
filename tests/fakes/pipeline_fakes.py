"""Step use cases for pipeline tests: each publishes a small manifest-last output and records its calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, final

from codemill.application.collection.collect_data import CollectRequest, CollectResult
from codemill.application.collection.file_processor import FileResult
from codemill.application.collection.stats import CollectStats
from codemill.application.collection.summary import SourceRecord
from codemill.application.datasets.build_dataset import BuildDatasetRequest, BuildDatasetResult
from codemill.application.datasets.summary import (
    DatasetSource,
    DatasetSummary,
    LengthSummary,
    SplitOverlap,
    TokenizerInfo,
    TokenLengths,
)
from codemill.application.distillation.distill_model import DistillRequest, DistillResult
from codemill.application.pipeline.plan import PipelinePlan, PipelineScope, UseCase
from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.application.training.train_model import TrainRequest, TrainResult
from codemill.application.validation.validate_model import ValidateRequest, ValidationReport
from codemill.domain.code import Language
from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.manifest import Manifest
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.training import TrainingConfig
from codemill.domain.validation import CheckResult
from codemill.infrastructure.storage.scoped_store import ScopedArtifactStore
from tests.fakes.syntax_fakes import PythonAstSyntaxChecker


@dataclass
class Calls:
    steps: list[str] = field(default_factory=list)
    stop_train_with: str | None = None  # a status: 'interrupted', 'diverged'
    train_requests: list[TrainRequest] = field(default_factory=list)
    passed: bool = True


def _publish(store: ArtifactStore, prefix: str, payload: str) -> Manifest:
    writer = ArtifactWriter(store, prefix, kind="fake")
    writer.write("data.txt", payload)
    return writer.publish()


class _Step:
    """What every fake step shares: the run's store and the record of calls."""

    step = ""

    def __init__(self, store: ArtifactStore, calls: Calls) -> None:
        self.store, self.calls = store, calls

    def _called(self) -> None:
        self.calls.steps.append(self.step)


@final
class FakeCollect(_Step, UseCase[CollectRequest, CollectResult]):
    step = "collect"

    def execute(self, request: CollectRequest) -> CollectResult:
        self._called()
        manifest = _publish(self.store, f"corpora/{request.name}", repr(request.sources))
        stats = CollectStats(sources=[SourceRecord(source="git@x", commit="abc123")], extracted=42, kept=40)
        for path in ("a.py", "b.py", "c.py"):  # 3 files, 3 MB
            stats.add_file(FileResult(path=path, source="git@x", size=1_000_000, language=Language.PYTHON))
        stats.filters["too_short"] = 2
        summary = stats.summary(seconds=1.0, workers=1)
        return CollectResult(name=request.name, manifest=manifest, stats=summary)


@final
class FakeBuildDataset(_Step, UseCase[BuildDatasetRequest, BuildDatasetResult]):
    step = "dataset"

    def execute(self, request: BuildDatasetRequest) -> BuildDatasetResult:
        self._called()
        manifest = _publish(self.store, f"datasets/{request.name}", request.name)
        lengths = LengthSummary(count=40, mean=10.0, p50=10, p95=12, max=14, truncated=0)
        summary = DatasetSummary(
            task=request.task,
            source=DatasetSource(corpus="code", manifest_sha256="0" * 64),
            samples=40,
            skipped={},
            balance_dropped=0,
            splits={"train": 30, "validation": 5, "test": 5},
            labels={"train": {}, "validation": {}, "test": {}},
            decontamination={split: SplitOverlap(exact=0, near=0) for split in ("validation", "test")},
            tokenizer=TokenizerInfo(name="bpe-8000", vocab_size=8000),
            tokens=TokenLengths(input=lengths, target=lengths),
            seconds=0.5,
        )
        return BuildDatasetResult(name=request.name, manifest=manifest, stats=summary)


@final
class FakeTrain(_Step, UseCase[TrainRequest, TrainResult]):
    """Every training call publishes different weights; `calls.stop_train_with` stops it instead."""

    step = "train"

    def execute(self, request: TrainRequest) -> TrainResult:
        self._called()
        self.calls.train_requests.append(request)
        status = self.calls.stop_train_with or "completed"
        weights = f"weights of training call {len(self.calls.train_requests)}"
        manifest = (
            None if self.calls.stop_train_with else _publish(self.store, f"models/{request.name}", weights)
        )
        return TrainResult(
            name=request.name,
            status=status,
            model_manifest=manifest,
            run_manifest=None,
            metrics={"bleu4": 30.0, "loss": 1.0},
            best_step=10,
            samples_per_second=50.0,
        )


@final
class FakeDistill(_Step, UseCase[DistillRequest, DistillResult]):
    step = "distill"

    def execute(self, request: DistillRequest) -> DistillResult:
        self._called()
        manifest = _publish(
            self.store, f"models/{request.name}", f"student after {len(self.calls.steps)} calls"
        )
        return DistillResult(
            name=request.name,
            status="completed",
            model_manifest=manifest,
            run_manifest=None,
            metrics={"bleu4": 29.25},
            teacher_metrics={"bleu4": 30.0},
            retention=0.975,
            report={"params_ratio": 0.2, "speedup": 3.5},
        )


@final
class FakeValidate(_Step, UseCase[ValidateRequest, ValidationReport]):
    """Passes or fails as `calls.passed` says."""

    step = "validate"

    def execute(self, request: ValidateRequest) -> ValidationReport:
        self._called()
        _publish(self.store, f"validations/{request.model}", "report")
        self.store.put(f"validations/{request.model}/reliability.png", b"\x89PNG")
        checks = (
            CheckResult(name="integrity", status="pass", details="files verify"),
            CheckResult(name="quality", status="pass" if self.calls.passed else "fail", details="bleu4"),
        )
        failures = () if self.calls.passed else ("quality: bleu4 19.5 < 30",)
        return ValidationReport(
            model=request.model,
            source="storage",
            checks=checks,
            passed=self.calls.passed,
            failures=failures,
            stored=(),
            calibration=None,
            elapsed_s=0.1,
        )


def fake_scope(root: ArtifactStore, calls: Calls) -> Callable[[str], PipelineScope]:
    def scope(run_id: str) -> PipelineScope:
        store = ScopedArtifactStore(root, f"pipelines/{run_id}")
        return PipelineScope(
            store=store,
            collect=FakeCollect(store, calls),
            dataset=FakeBuildDataset(store, calls),
            train=FakeTrain(store, calls),
            distill=FakeDistill(store, calls),
            validate=FakeValidate(store, calls),
            samples=_samples,
            syntax_checker=PythonAstSyntaxChecker(),
        )

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
        collect=CollectRequest(name="code", sources=config["collect"]["sources"]),
        dataset=BuildDatasetRequest(
            name="task", corpus="code", task=TaskSpec(task=TaskType.GENERATION, subtask="summarize")
        ),
        train=TrainRequest(dataset="task", name="teacher", config=TrainingConfig(model="tiny")),
        distill=DistillRequest(teacher="teacher", dataset="task", name="student", student="micro")
        if distill
        else None,
        validate=ValidateRequest(model="student" if distill else "teacher", dataset="task")
        if validate
        else None,
    )
