"""codemill: turn source code into datasets and models.

The public facade for other Python services::

    from codemill import CollectRequest, Container

    container = Container()  # settings from CODEMILL_* variables and .env
    result = container.collect_data().execute(CollectRequest(sources=["./src"], name="mycode"))

It holds the container, the use cases with their requests, results and the
value types those take, the pipeline's config helpers and the errors. The
layers install as `codemill.domain`, `codemill.application`,
`codemill.infrastructure` and `codemill.presentation`. Names here are
resolved on first use, so `import codemill` stays cheap (the CLI's `--help`
imports this package too).
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
        UserFile,
    )
    from codemill.application.distillation.distill_model import DistillModel, DistillRequest, DistillResult
    from codemill.application.export.export_model import ExportModel, ExportModelRequest, ExportModelResult
    from codemill.application.monitoring.monitor_drift import DriftRequest, DriftResult, MonitorDrift
    from codemill.application.pipeline.plan import PipelinePlan
    from codemill.application.pipeline.run_pipeline import PipelineRequest, PipelineResult, RunPipeline
    from codemill.application.registry.alias_mover import AliasMoved
    from codemill.application.registry.promote_model import PromoteModel, PromoteRequest
    from codemill.application.registry.register_model import RegisterModel, RegisterRequest, RegisterResult
    from codemill.application.registry.registry_catalog import RegistryCatalog
    from codemill.application.registry.rollback_alias import RollbackAlias, RollbackRequest
    from codemill.application.registry.set_alias import AliasRequest, SetAlias
    from codemill.application.training.train_model import TrainModel, TrainRequest, TrainResult
    from codemill.application.validation.validate_model import (
        ValidateModel,
        ValidateRequest,
        ValidationReport,
    )
    from codemill.domain.code import Language
    from codemill.domain.dataset import SplitConfig, TaskSpec, TaskType
    from codemill.domain.distillation import DistillationConfig
    from codemill.domain.drift import DriftThresholds
    from codemill.domain.errors import (
        ArtifactNotFoundError,
        CodemillError,
        ConfigurationError,
        InputError,
        IntegrityError,
        StepStoppedError,
        StorageError,
    )
    from codemill.domain.prediction import Prediction
    from codemill.domain.training import TrainingConfig
    from codemill.presentation.container import Container
    from codemill.presentation.pipeline_config import load_config as load_pipeline_config
    from codemill.presentation.pipeline_plan import build_plan as build_pipeline_plan
    from codemill.presentation.predictor import Predictor
    from codemill.presentation.settings import Settings, StorageSettings, load_settings

_APP = "codemill.application"
_SOURCES: dict[str, tuple[str, ...]] = {
    "codemill.presentation.container": ("Container",),
    "codemill.presentation.settings": ("Settings", "StorageSettings", "load_settings"),
    "codemill.presentation.pipeline_config:load_config": ("load_pipeline_config",),
    "codemill.presentation.pipeline_plan:build_plan": ("build_pipeline_plan",),
    "codemill.presentation.predictor": ("Predictor",),
    f"{_APP}.collection.collect_data": ("CollectData", "CollectRequest", "CollectResult"),
    f"{_APP}.datasets.build_dataset": (
        "BuildDataset",
        "BuildDatasetRequest",
        "BuildDatasetResult",
        "UserFile",
    ),
    f"{_APP}.training.train_model": ("TrainModel", "TrainRequest", "TrainResult"),
    f"{_APP}.distillation.distill_model": ("DistillModel", "DistillRequest", "DistillResult"),
    f"{_APP}.validation.validate_model": ("ValidateModel", "ValidateRequest", "ValidationReport"),
    f"{_APP}.export.export_model": ("ExportModel", "ExportModelRequest", "ExportModelResult"),
    f"{_APP}.checkpoints.manage_checkpoints": (
        "ManageCheckpoints",
        "CleanupRequest",
        "CleanupResult",
        "ExportResult",
    ),
    f"{_APP}.pipeline.run_pipeline": ("RunPipeline", "PipelineRequest", "PipelineResult"),
    f"{_APP}.pipeline.plan": ("PipelinePlan",),
    f"{_APP}.registry.register_model": ("RegisterModel", "RegisterRequest", "RegisterResult"),
    f"{_APP}.registry.set_alias": ("SetAlias", "AliasRequest"),
    f"{_APP}.registry.promote_model": ("PromoteModel", "PromoteRequest"),
    f"{_APP}.registry.rollback_alias": ("RollbackAlias", "RollbackRequest"),
    f"{_APP}.registry.alias_mover": ("AliasMoved",),
    f"{_APP}.registry.registry_catalog": ("RegistryCatalog",),
    f"{_APP}.monitoring.monitor_drift": ("MonitorDrift", "DriftRequest", "DriftResult"),
    "codemill.domain.code": ("Language",),
    "codemill.domain.dataset": ("TaskSpec", "TaskType", "SplitConfig"),
    "codemill.domain.training": ("TrainingConfig",),
    "codemill.domain.prediction": ("Prediction",),
    "codemill.domain.distillation": ("DistillationConfig",),
    "codemill.domain.drift": ("DriftThresholds",),
    "codemill.domain.errors": (
        "CodemillError",
        "ConfigurationError",
        "InputError",
        "IntegrityError",
        "StorageError",
        "ArtifactNotFoundError",
        "StepStoppedError",
    ),
}
_EXPORTS = {name: source for source, names in _SOURCES.items() for name in names}

__all__ = [
    "AliasMoved",
    "AliasRequest",
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
    "DistillationConfig",
    "DriftRequest",
    "DriftResult",
    "DriftThresholds",
    "ExportModel",
    "ExportModelRequest",
    "ExportModelResult",
    "ExportResult",
    "InputError",
    "IntegrityError",
    "Language",
    "ManageCheckpoints",
    "MonitorDrift",
    "PipelinePlan",
    "PipelineRequest",
    "PipelineResult",
    "Prediction",
    "Predictor",
    "PromoteModel",
    "PromoteRequest",
    "RegisterModel",
    "RegisterRequest",
    "RegisterResult",
    "RegistryCatalog",
    "RollbackAlias",
    "RollbackRequest",
    "RunPipeline",
    "SetAlias",
    "Settings",
    "SplitConfig",
    "StepStoppedError",
    "StorageError",
    "StorageSettings",
    "TaskSpec",
    "TaskType",
    "TrainModel",
    "TrainRequest",
    "TrainResult",
    "TrainingConfig",
    "UserFile",
    "ValidateModel",
    "ValidateRequest",
    "ValidationReport",
    "__version__",
    "build_pipeline_plan",
    "load_pipeline_config",
    "load_settings",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        try:
            return metadata.version("codemill")
        except metadata.PackageNotFoundError:
            return "0+unknown"
    source = _EXPORTS.get(name)
    if source is None:
        raise AttributeError(f"module 'codemill' has no attribute {name!r}")
    module, _, attribute = source.partition(":")
    value = getattr(importlib.import_module(module), attribute or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
