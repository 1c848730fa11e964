"""codemill: turn source code into datasets and models.

The public facade for other Python services::

    from codemill import Container, CollectRequest

    container = Container()
    result = container.collect_data().execute(CollectRequest(sources=["./src"], name="mycode"))

The layers install as `codemill.domain`, `codemill.application`,
`codemill.infrastructure` and `codemill.presentation`. Names here are
resolved on first use, so `import codemill` stays cheap (the CLI's
`--help` imports this package too).
"""

from __future__ import annotations

import importlib
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codemill.application.checkpoints.manage_checkpoints import (
        CleanupRequest,
        CleanupResult,
        ExportResult,
        ManageCheckpoints,
    )
    from codemill.application.collection.collect_data import CollectData, CollectRequest, CollectResult
    from codemill.application.datasets.build_dataset import (
        BuildDataset,
        BuildDatasetRequest,
        BuildDatasetResult,
    )
    from codemill.application.distillation.distill_model import DistillModel, DistillRequest, DistillResult
    from codemill.application.pipeline.plan import PipelinePlan
    from codemill.application.pipeline.run_pipeline import PipelineRequest, PipelineResult, RunPipeline
    from codemill.application.training.train_model import TrainModel, TrainRequest, TrainResult
    from codemill.application.validation.validate_model import (
        ValidateModel,
        ValidateRequest,
        ValidationReport,
    )
    from codemill.domain.errors import (
        ArtifactNotFoundError,
        CodemillError,
        ConfigurationError,
        InputError,
        IntegrityError,
        StepStoppedError,
        StorageError,
    )
    from codemill.presentation.container import Container
    from codemill.presentation.settings import Settings, load_settings

_EXPORTS: dict[str, str] = {
    "Container": "codemill.presentation.container",
    "Settings": "codemill.presentation.settings",
    "load_settings": "codemill.presentation.settings",
    **dict.fromkeys(
        ("CollectData", "CollectRequest", "CollectResult"), "codemill.application.collection.collect_data"
    ),
    **dict.fromkeys(
        ("BuildDataset", "BuildDatasetRequest", "BuildDatasetResult"),
        "codemill.application.datasets.build_dataset",
    ),
    **dict.fromkeys(
        ("TrainModel", "TrainRequest", "TrainResult"), "codemill.application.training.train_model"
    ),
    **dict.fromkeys(
        ("DistillModel", "DistillRequest", "DistillResult"), "codemill.application.distillation.distill_model"
    ),
    **dict.fromkeys(
        ("ValidateModel", "ValidateRequest", "ValidationReport"),
        "codemill.application.validation.validate_model",
    ),
    **dict.fromkeys(
        ("ManageCheckpoints", "CleanupRequest", "CleanupResult", "ExportResult"),
        "codemill.application.checkpoints.manage_checkpoints",
    ),
    **dict.fromkeys(
        ("RunPipeline", "PipelineRequest", "PipelineResult"), "codemill.application.pipeline.run_pipeline"
    ),
    "PipelinePlan": "codemill.application.pipeline.plan",
    **dict.fromkeys(
        (
            "CodemillError",
            "ConfigurationError",
            "InputError",
            "IntegrityError",
            "StorageError",
            "ArtifactNotFoundError",
            "StepStoppedError",
        ),
        "codemill.domain.errors",
    ),
}

__all__ = [
    "ArtifactNotFoundError",
    "BuildDataset",
    "BuildDatasetRequest",
    "BuildDatasetResult",
    "CleanupRequest",
    "CleanupResult",
    "CodemillError",
    "CollectData",
    "CollectRequest",
    "CollectResult",
    "ConfigurationError",
    "Container",
    "DistillModel",
    "DistillRequest",
    "DistillResult",
    "ExportResult",
    "InputError",
    "IntegrityError",
    "ManageCheckpoints",
    "PipelinePlan",
    "PipelineRequest",
    "PipelineResult",
    "RunPipeline",
    "Settings",
    "StepStoppedError",
    "StorageError",
    "TrainModel",
    "TrainRequest",
    "TrainResult",
    "ValidateModel",
    "ValidateRequest",
    "ValidationReport",
    "__version__",
    "load_settings",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        try:
            return metadata.version("codemill")
        except metadata.PackageNotFoundError:
            return "0+unknown"
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'codemill' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
