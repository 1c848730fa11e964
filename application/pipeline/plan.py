"""What a pipeline run is made of: its plan (one request per step), its scope and each step's status."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from codemill.application.collection.collect_data import CollectRequest, CollectResult
from codemill.application.datasets.build_dataset import BuildDatasetRequest, BuildDatasetResult
from codemill.application.distillation.distill_model import DistillRequest, DistillResult
from codemill.application.training.train_model import TrainRequest, TrainResult
from codemill.application.validation.validate_model import ValidateRequest, ValidationReport
from codemill.domain.dataset import Sample
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.ports.syntax_checker import SyntaxChecker
from codemill.domain.student_targets import StudentTargets

Rq_contra = TypeVar("Rq_contra", contravariant=True)
Rs_co = TypeVar("Rs_co", covariant=True)


class UseCase(Protocol[Rq_contra, Rs_co]):
    """Anything with the use-case shape: one `execute(request) -> result`."""

    def execute(self, request: Rq_contra) -> Rs_co: ...


@dataclass(frozen=True, kw_only=True)
class PipelineScope:
    """The use cases of one run, all writing under the run's own prefix (`store`)."""

    store: ArtifactStore
    collect: UseCase[CollectRequest, CollectResult]
    dataset: UseCase[BuildDatasetRequest, BuildDatasetResult]
    train: UseCase[TrainRequest, TrainResult]
    distill: UseCase[DistillRequest, DistillResult]
    validate: UseCase[ValidateRequest, ValidationReport]
    samples: Callable[[str, str], Sequence[Sample]]  # (dataset, split) -> its samples
    syntax_checker: SyntaxChecker  # AST validity of the baselines of tasks whose target is code


@dataclass(frozen=True, kw_only=True)
class PipelinePlan:
    """The effective config (plain JSON, one section per step) and the request of each step.

    A step whose request is None is switched off.
    """

    config: Mapping[str, Any]
    collect: CollectRequest
    dataset: BuildDatasetRequest
    train: TrainRequest
    distill: DistillRequest | None = None
    validate: ValidateRequest | None = None
    targets: StudentTargets = field(default_factory=StudentTargets)  # what the student must achieve

    def enabled(self) -> tuple[str, ...]:
        requests = {
            "collect": self.collect,
            "dataset": self.dataset,
            "train": self.train,
            "distill": self.distill,
            "validate": self.validate,
        }
        return tuple(step for step, request in requests.items() if request is not None)


@dataclass(frozen=True, kw_only=True)
class StepStatus:
    step: str
    status: str  # 'ran', 'reused' (done before, inputs unchanged), 'not selected'
    seconds: float
