"""The composition root: the only module that knows every adapter.

Adapters whose libraries are slow to import (datasketch, tree-sitter,
bandit, transformers) are imported inside the factories below, when a
command first needs them, so `codemill --help` stays fast.
"""

from __future__ import annotations

import functools
import getpass
import os
from collections.abc import Callable, Mapping
from typing import Any

from dependency_injector import containers, providers

from codemill.application.checkpoints.manage_checkpoints import ManageCheckpoints
from codemill.application.collection.collect_data import CollectData
from codemill.application.datasets.build_dataset import BuildDataset
from codemill.application.distillation.distill_model import DistillModel
from codemill.application.export.export_model import ExportModel
from codemill.application.monitoring.monitor_drift import MonitorDrift
from codemill.application.monitoring.prediction_log import PredictionLog
from codemill.application.monitoring.reference import ReferenceBuilder
from codemill.application.pipeline.pipeline_runs import PIPELINES, PipelineRuns
from codemill.application.pipeline.plan import PipelineScope
from codemill.application.pipeline.run_pipeline import RunPipeline
from codemill.application.publishing.name_claims import NameClaims
from codemill.application.publishing.upstream_check import UpstreamCheck
from codemill.application.registry.alias_mover import AliasMover
from codemill.application.registry.promote_model import PromoteModel
from codemill.application.registry.register_model import RegisterModel
from codemill.application.registry.registry_catalog import RegistryCatalog
from codemill.application.registry.rollback_alias import RollbackAlias
from codemill.application.registry.set_alias import SetAlias
from codemill.application.serving.load_model import LoadModel
from codemill.application.training.publication import RunPublisher, RunResumer
from codemill.application.training.train_model import TrainModel
from codemill.application.validation.validate_model import ValidateModel
from codemill.domain.errors import ConfigurationError
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.ports.checkpoint_manager import CheckpointManager
from codemill.domain.ports.code_source import SourceResolver
from codemill.domain.ports.code_structure import CodeStructure
from codemill.domain.ports.corpus_repository import CorpusRepository
from codemill.domain.ports.dataset_repository import DatasetRepository
from codemill.domain.ports.deduplicator import Deduplicator
from codemill.domain.ports.drift_statistics import DriftStatistics
from codemill.domain.ports.input_featurizer import InputFeaturizer
from codemill.domain.ports.metrics_tracker import MetricsTracker
from codemill.domain.ports.model_exporter import ModelExporter
from codemill.domain.ports.model_inspector import ModelInspector
from codemill.domain.ports.model_lineage import ModelLineage
from codemill.domain.ports.model_loader import ModelLoader
from codemill.domain.ports.model_profiler import ModelProfiler
from codemill.domain.ports.model_registry import ModelRegistry
from codemill.domain.ports.model_resolver import ModelResolver
from codemill.domain.ports.model_trainer import ModelTrainer
from codemill.domain.ports.parallel_executor import ParallelExecutor
from codemill.domain.ports.plotter import Plotter
from codemill.domain.ports.prediction_log_store import PredictionLogStore
from codemill.domain.ports.prediction_sink import PredictionSink
from codemill.domain.ports.run_repository import RunRepository
from codemill.domain.ports.serving_metrics import ServingMetrics
from codemill.domain.ports.syntax_checker import SyntaxChecker
from codemill.domain.ports.tabular_reader import TabularReader
from codemill.domain.ports.teacher_cache import TeacherCache
from codemill.domain.ports.teacher_locator import TeacherLocator
from codemill.domain.ports.tokenizers import TokenizerProvider
from codemill.infrastructure import distributed
from codemill.infrastructure.collection.file_worker import shard_worker_factory
from codemill.infrastructure.executors.process_pool import ProcessPoolParallelExecutor
from codemill.infrastructure.local_files import copy_atomically, files_under
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
from codemill.infrastructure.storage.s3_artifact_store import S3ArtifactStore
from codemill.infrastructure.storage.s3_client import build_s3_client
from codemill.infrastructure.storage.s3_presets import S3ConnectionConfig
from codemill.infrastructure.training import reporting
from codemill.presentation.cli.progress import TqdmProgress
from codemill.presentation.collect_options import collect_options, default_workers
from codemill.presentation.library_versions import tool_versions, training_versions
from codemill.presentation.settings import CollectSettings, Settings, StorageSettings, load_settings

_MIB = 1 << 20


def _secret(value: object) -> str | None:
    return value.get_secret_value() if value is not None else None  # type: ignore[attr-defined]


def s3_connection_config(storage: StorageSettings) -> S3ConnectionConfig:
    return S3ConnectionConfig(
        provider=storage.provider,
        endpoint_url=storage.endpoint_url,
        region=storage.region,
        account_id=storage.account_id,
        access_key_id=_secret(storage.access_key_id),
        secret_access_key=_secret(storage.secret_access_key),
        session_token=_secret(storage.session_token),
        addressing_style=storage.addressing_style,
        connect_timeout=storage.connect_timeout,
        read_timeout=storage.read_timeout,
        max_attempts=storage.max_attempts,
    )


def s3_store_for_bucket(storage: StorageSettings, bucket: str, prefix: str = "") -> ArtifactStore:
    config = s3_connection_config(storage)
    return S3ArtifactStore(
        build_s3_client(config),
        bucket,
        prefix,
        client_factory=functools.partial(build_s3_client, config),
        multipart_threshold=storage.multipart_threshold_mb * _MIB,
        multipart_chunksize=storage.multipart_chunk_mb * _MIB,
    )


def build_s3_store(storage: StorageSettings) -> ArtifactStore:
    if not storage.bucket:
        raise ConfigurationError("CODEMILL_STORAGE__BUCKET is required when CODEMILL_STORAGE__BACKEND=s3")
    return s3_store_for_bucket(storage, storage.bucket, storage.prefix)


def build_source_resolver(
    store: ArtifactStore, storage: StorageSettings, collect: CollectSettings
) -> SourceResolver:
    from codemill.infrastructure.sources.default_source_resolver import DefaultSourceResolver

    return DefaultSourceResolver(
        store=store,
        s3_store_for_bucket=lambda bucket: s3_store_for_bucket(storage, bucket),
        max_bytes=collect.max_file_bytes,
    )


def build_corpora(store: ArtifactStore, collect: CollectSettings) -> CorpusRepository:
    from codemill.infrastructure.corpus.parquet_corpus_repository import ParquetCorpusRepository

    return ParquetCorpusRepository(store)


def _minhash_deduplicator(**params: Any) -> Deduplicator:
    from codemill.infrastructure.dedup.minhash_deduplicator import MinHashDeduplicator

    return MinHashDeduplicator(**params)


def build_datasets(store: ArtifactStore, settings: Settings) -> DatasetRepository:
    from codemill.infrastructure.datasets.hf_dataset_repository import HfDatasetRepository

    return HfDatasetRepository(store, cache_dir=settings.cache_dir.expanduser() / "datasets")


def build_tokenizers() -> TokenizerProvider:
    from codemill.infrastructure.tokenizers.bpe_tokenizer_provider import HfTokenizerProvider

    return HfTokenizerProvider()


def build_tabular_reader(store: ArtifactStore, storage: StorageSettings) -> TabularReader:
    from codemill.infrastructure.datasets.tabular_file_reader import ArrowTabularReader

    return ArrowTabularReader(store, lambda bucket: s3_store_for_bucket(storage, bucket))


def build_plotter() -> Plotter:
    from codemill.infrastructure.plots.matplotlib_plotter import MatplotlibPlotter

    return MatplotlibPlotter()


def build_code_structure() -> CodeStructure:
    from codemill.infrastructure.parsing.tree_sitter_code_structure import TreeSitterCodeStructure

    return TreeSitterCodeStructure()


def build_runs(store: ArtifactStore) -> RunRepository:
    from codemill.infrastructure.runs.storage_run_repository import StorageRunRepository

    return StorageRunRepository(store)


def build_model_registry(store: ArtifactStore) -> ModelRegistry:
    from codemill.infrastructure.registry.storage_model_registry import StorageModelRegistry

    return StorageModelRegistry(store)


def build_model_lineage(store: ArtifactStore, runs: RunRepository) -> ModelLineage:
    from codemill.infrastructure.registry.storage_model_lineage import StorageModelLineage

    return StorageModelLineage(store, runs)


def build_model_exporter() -> ModelExporter:
    from codemill.infrastructure.export.torch_onnx_model_exporter import TorchOnnxModelExporter

    return TorchOnnxModelExporter()


def build_model_resolver(registry: ModelRegistry, runs: RunRepository, cache_dir: str) -> ModelResolver:
    from codemill.infrastructure.registry.storage_model_resolver import StorageModelResolver

    return StorageModelResolver(registry, runs, cache_dir)


def pipeline_registration(
    settings: Settings,
    store: ArtifactStore,
    mover: AliasMover,
    user: str,
    versions: Mapping[str, str],
) -> Callable[[str], RegisterModel]:
    """For a pipeline run id, RegisterModel reading the run's models, run records and validations under
    `pipelines/RUN_ID/`; the new versions go to the registry at the root of the storage, as always."""

    def build(run_id: str) -> RegisterModel:
        from codemill.infrastructure.registry.storage_model_registry import StorageModelRegistry

        PipelineRuns(store).stored_config(run_id)  # a one-line error for a run that does not exist
        scope = f"{PIPELINES}/{run_id}"
        child = scoped_container(settings, store, scope)
        return RegisterModel(
            registry=StorageModelRegistry(store, models_root=f"{scope}/models"),
            lineage=child.model_lineage(),
            runs=child.runs(),
            mover=mover,
            user=user,
            versions=versions,
            scope=scope,
        )

    return build


def scoped_datasets(settings: Settings, store: ArtifactStore) -> Callable[[str], DatasetRepository]:
    """For a storage prefix (a pipeline run's), the dataset repository of the datasets under it."""

    def build(scope: str) -> DatasetRepository:
        repository: DatasetRepository = scoped_container(settings, store, scope).datasets()
        return repository

    return build


def scoped_container(settings: Settings, store: ArtifactStore, scope: str) -> Container:
    """A container whose storage is `store` under the prefix `scope` (a pipeline run's)."""
    from codemill.infrastructure.storage.scoped_store import ScopedArtifactStore

    child = Container()
    child.settings.override(providers.Object(settings))
    child.artifact_store.override(providers.Object(ScopedArtifactStore(store, scope)))
    return child


def registry_user() -> str:
    """Who registers and moves aliases: CODEMILL_USER, else the login name."""
    named = os.environ.get("CODEMILL_USER", "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (containers without a passwd entry)
        return "unknown"


def build_syntax_checker() -> SyntaxChecker:
    from codemill.infrastructure.parsing.tree_sitter_syntax_checker import TreeSitterSyntaxChecker

    return TreeSitterSyntaxChecker()


def build_trainer(syntax_checker: SyntaxChecker) -> ModelTrainer:
    from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer

    return HfModelTrainer(syntax_checker=syntax_checker)


def build_checkpoint_manager() -> CheckpointManager:
    from codemill.infrastructure.training.checkpoint_manager import LocalCheckpointManager

    return LocalCheckpointManager()


def build_teacher_cache(store: ArtifactStore) -> TeacherCache:
    from codemill.infrastructure.training.distillation.storage_teacher_cache import StorageTeacherCache

    return StorageTeacherCache(store)


def build_teacher_locator() -> TeacherLocator:
    from codemill.infrastructure.training.distillation.hf_teacher_locator import HfTeacherLocator

    return HfTeacherLocator()


def build_model_profiler() -> ModelProfiler:
    from codemill.infrastructure.training.distillation.hf_model_profiler import HfModelProfiler

    return HfModelProfiler()


def build_model_inspector() -> ModelInspector:
    from codemill.infrastructure.validation.hf_model_inspector import HfModelInspector

    return HfModelInspector()


def build_model_loader(
    device: str = "auto", threads: int | None = None, max_new_tokens: int | None = None
) -> ModelLoader:
    from codemill.infrastructure.export.onnx_model_loader import OnnxModelLoader
    from codemill.infrastructure.inference.hf_model_loader import HfModelLoader

    torch_loader = HfModelLoader(device=device, threads=threads, max_new_tokens=max_new_tokens)
    return OnnxModelLoader(torch_loader, threads=threads, max_new_tokens=max_new_tokens)


def build_serving_metrics() -> ServingMetrics:
    from codemill.infrastructure.serving.prometheus_serving_metrics import PrometheusServingMetrics

    return PrometheusServingMetrics()


def build_prediction_log_store(store: ArtifactStore) -> PredictionLogStore:
    from codemill.infrastructure.monitoring.parquet_prediction_log_store import ParquetPredictionLogStore

    return ParquetPredictionLogStore(store)


def build_input_featurizer() -> InputFeaturizer:
    from codemill.infrastructure.monitoring.tokenizer_input_featurizer import TokenizerInputFeaturizer

    return TokenizerInputFeaturizer()


def build_drift_statistics() -> DriftStatistics:
    from codemill.infrastructure.monitoring.scipy_drift_statistics import ScipyDriftStatistics

    return ScipyDriftStatistics()


def local_folder_store(folder: str) -> ArtifactStore:
    """Report files written atomically into a local folder."""
    return LocalArtifactStore(root=folder)


def export_checkpoint_model(checkpoint: str, target: str) -> str:
    """A checkpoint's model files alone (no trainer state) in `target`."""
    from pathlib import Path

    from codemill.infrastructure.training.best_model_export import export_best_model

    return str(export_best_model(Path(checkpoint), Path(target)))


def metrics_tracker(tensorboard_dir: str) -> MetricsTracker:
    from codemill.infrastructure.tracking.file_metrics_tracker import FileMetricsTracker

    return FileMetricsTracker(tensorboard_dir)


def dedup_factory(collect: CollectSettings) -> Callable[[], Deduplicator]:
    """A picklable factory: worker processes build their own to compute fingerprints."""
    return functools.partial(
        _minhash_deduplicator,
        num_perm=collect.dedup_num_perm,
        threshold=collect.dedup_threshold,
        bands=collect.dedup_bands,
        rows=collect.dedup_rows,
        shingle_size=collect.dedup_shingle_size,
    )


def collect_executors(
    collect: CollectSettings, local: ParallelExecutor
) -> dict[str, Callable[[str | None], ParallelExecutor]]:
    """The collect step's executors by name; each takes the cluster address (None: the configured one).

    The local pool is one per container; a collection closes it at its end (its processes hold parsers and
    analyzers), and the next one starts new processes.
    """
    return {
        "local": lambda address: local,
        "ray": functools.partial(_ray_executor, default_address=collect.ray_address or None),
    }


def _ray_executor(address: str | None, *, default_address: str | None) -> ParallelExecutor:
    from codemill.infrastructure.executors.ray_executor import RayParallelExecutor

    return RayParallelExecutor(address=address or default_address)


def pipeline_scope(settings: Settings, store: ArtifactStore, work_dir: str) -> Callable[[str], PipelineScope]:
    """For a run id, the use cases of a container whose storage and work folder are the run's own."""

    def scope(run_id: str) -> PipelineScope:
        child = scoped_container(settings, store, f"{PIPELINES}/{run_id}")
        child.work_dir.override(providers.Object(os.path.join(work_dir, PIPELINES, run_id)))
        datasets = child.datasets()
        return PipelineScope(
            store=child.artifact_store(),
            collect=child.collect_data(),
            dataset=child.build_dataset(),
            train=child.train_model(),
            distill=child.distill_model(),
            validate=child.validate_model(),
            samples=lambda name, split: list(datasets.samples(name, split)),
            syntax_checker=child.syntax_checker(),
        )

    return scope


class Container(containers.DeclarativeContainer):
    """Wires settings, clients, adapters and use cases. Tests override providers."""

    # Config
    settings: providers.Provider[Settings] = providers.Singleton(load_settings)
    storage_settings = settings.provided.storage
    collect_settings = settings.provided.collect

    work_dir: providers.Provider[str] = providers.Callable(lambda s: str(s.work_dir.expanduser()), settings)

    # Adapters
    local_store = providers.Singleton(LocalArtifactStore, root=storage_settings.root)
    s3_store = providers.Singleton(build_s3_store, storage=storage_settings)
    artifact_store: providers.Provider[ArtifactStore] = providers.Selector(
        storage_settings.backend, local=local_store, s3=s3_store
    )
    corpora = providers.Singleton(build_corpora, store=artifact_store, collect=collect_settings)
    source_resolver = providers.Factory(
        build_source_resolver, store=artifact_store, storage=storage_settings, collect=collect_settings
    )
    datasets = providers.Singleton(build_datasets, store=artifact_store, settings=settings)
    tokenizers = providers.Singleton(build_tokenizers)
    tabular_reader = providers.Singleton(build_tabular_reader, store=artifact_store, storage=storage_settings)
    plotter = providers.Singleton(build_plotter)
    code_structure = providers.Singleton(build_code_structure)
    runs = providers.Singleton(build_runs, store=artifact_store)
    # The model registry, lineage, and model references (registry:NAME@ALIAS) wherever a model is named
    model_registry = providers.Singleton(build_model_registry, store=artifact_store)
    model_lineage = providers.Singleton(build_model_lineage, store=artifact_store, runs=runs)
    model_resolver = providers.Singleton(
        build_model_resolver,
        registry=model_registry,
        runs=runs,
        cache_dir=providers.Callable(lambda s: str(s.cache_dir.expanduser()), settings),
    )
    syntax_checker = providers.Singleton(build_syntax_checker)
    trainer = providers.Singleton(build_trainer, syntax_checker=syntax_checker)
    prepare_reporter = providers.Object(reporting.prepare_reporter)  # --report-to's package, before any work
    checkpoints = providers.Singleton(build_checkpoint_manager)
    model_inspector = providers.Singleton(build_model_inspector)
    teacher_cache = providers.Singleton(build_teacher_cache, store=artifact_store)
    teacher_locator = providers.Singleton(build_teacher_locator)
    model_profiler = providers.Singleton(build_model_profiler)
    progress = providers.Singleton(TqdmProgress)
    name_claims = providers.Singleton(NameClaims, store=artifact_store)
    upstream_check = providers.Factory(UpstreamCheck, corpora=corpora, datasets=datasets)
    local_executor = providers.Singleton(ProcessPoolParallelExecutor, batch_size=1)  # a shard is a batch
    copy_to_local_file = providers.Object(copy_atomically)
    local_files_under = providers.Object(files_under)

    # Use cases
    collect_data = providers.Factory(
        CollectData,
        sources=source_resolver,
        worker_factory=providers.Object(shard_worker_factory),
        executors=providers.Callable(collect_executors, collect_settings, local_executor),
        staging_for=corpora.provided.staging,
        dedup_factory=providers.Callable(dedup_factory, collect_settings),
        corpora=corpora,
        options=providers.Callable(collect_options, collect_settings),
        progress=progress,
        tool_versions=providers.Callable(tool_versions),
        default_workers=providers.Callable(default_workers, collect_settings),
        default_executor=collect_settings.executor,
        shard_files=collect_settings.shard_files,
        claims=name_claims,
    )
    build_dataset = providers.Factory(
        BuildDataset,
        corpora=corpora,
        datasets=datasets,
        tokenizers=tokenizers,
        reader=tabular_reader,
        dedup_factory=providers.Callable(dedup_factory, collect_settings),
        plotter=plotter,
        code_structure=code_structure,
        claims=name_claims,
        progress=progress,
    )
    # Training runs, shared by train and distill: resume, publish, and who writes under DDP
    is_main_process = providers.Object(distributed.is_main_process)
    library_versions = providers.Callable(training_versions)
    run_resumer = providers.Factory(RunResumer, checkpoints=checkpoints, runs=runs)
    run_publisher = providers.Factory(
        RunPublisher,
        runs=runs,
        tracker_factory=providers.Object(metrics_tracker),
        versions=library_versions,
        claims=name_claims,
    )
    _training_run = dict(
        datasets=datasets,
        trainer=trainer,
        resumer=run_resumer,
        publisher=run_publisher,
        workdir=work_dir,
        progress=progress,
        is_main_process=is_main_process,
    )
    train_model = providers.Factory(TrainModel, **_training_run)
    distill_model = providers.Factory(
        DistillModel,
        **_training_run,
        runs=runs,
        teacher_cache=teacher_cache,
        teachers=teacher_locator,
        models=model_resolver,
        profiler=model_profiler,
    )

    validate_model = providers.Factory(
        ValidateModel,
        inspector=model_inspector,
        datasets=datasets,
        models=model_resolver,
        store=artifact_store,
        plotter=plotter,
        folder_store=providers.Object(local_folder_store),
        syntax_checker=syntax_checker,
    )
    # Export: a model to ONNX, checked for parity before it is published
    model_exporter = providers.Singleton(build_model_exporter)
    export_model = providers.Factory(
        ExportModel,
        resolver=model_resolver,
        lineage=model_lineage,
        datasets=datasets,
        exporter=model_exporter,
        store=artifact_store,
        workdir=work_dir,
        claims=name_claims,
    )
    manage_checkpoints = providers.Factory(
        ManageCheckpoints,
        checkpoints=checkpoints,
        runs=runs,
        export_folder=providers.Object(export_checkpoint_model),
        workdir=work_dir,
    )

    # The pipeline: each run gets the use cases above, scoped to its own prefix
    run_pipeline = providers.Factory(
        RunPipeline,
        store=artifact_store,
        scope=providers.Callable(pipeline_scope, settings, artifact_store, work_dir),
        versions=library_versions,
    )
    pipeline_runs = providers.Factory(PipelineRuns, store=artifact_store)

    # The model registry: register versions, move aliases, and its read side
    current_user = providers.Callable(registry_user)
    alias_mover = providers.Factory(AliasMover, registry=model_registry, user=current_user)
    register_model = providers.Factory(
        RegisterModel,
        registry=model_registry,
        lineage=model_lineage,
        runs=runs,
        mover=alias_mover,
        user=current_user,
        versions=library_versions,
    )
    register_from_pipeline = providers.Callable(
        pipeline_registration,
        settings=settings,
        store=artifact_store,
        mover=alias_mover,
        user=current_user,
        versions=library_versions,
    )
    set_alias = providers.Factory(SetAlias, registry=model_registry, mover=alias_mover)
    promote_model = providers.Factory(PromoteModel, registry=model_registry, mover=alias_mover)
    rollback_alias = providers.Factory(RollbackAlias, registry=model_registry, mover=alias_mover)
    registry_catalog = providers.Factory(RegistryCatalog, registry=model_registry)

    # Serving: a model loaded for answering, the server's metrics, where answered batches go
    model_loader = providers.Factory(build_model_loader)
    serving_metrics = providers.Factory(build_serving_metrics)  # one registry per server
    prediction_sink: providers.Provider[PredictionSink | None] = providers.Object(None)
    load_model = providers.Factory(LoadModel, resolver=model_resolver, loader=model_loader)

    # Monitoring: the prediction log of `serve --log-predictions` (metrics and options given by serve),
    # and drift of a logged window against the model's reference data
    prediction_log_store = providers.Singleton(build_prediction_log_store, store=artifact_store)
    input_featurizer = providers.Singleton(build_input_featurizer)
    prediction_log = providers.Factory(PredictionLog, store=prediction_log_store, featurizer=input_featurizer)
    drift_statistics = providers.Singleton(build_drift_statistics)
    reference_builder = providers.Factory(
        ReferenceBuilder,
        resolver=model_resolver,
        lineage=model_lineage,
        loader=model_loader,
        datasets=datasets,
        featurizer=input_featurizer,
        scoped_datasets=providers.Callable(scoped_datasets, settings=settings, store=artifact_store),
    )
    monitor_drift = providers.Factory(
        MonitorDrift,
        logs=prediction_log_store,
        references=reference_builder,
        statistics=drift_statistics,
        plotter=plotter,
        store=artifact_store,
        folder_store=providers.Object(local_folder_store),
    )
