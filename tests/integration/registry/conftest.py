"""A tiny model folder (config, safetensors-named weights, tokenizer) and the registry's real adapters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from codemill.application.registry.alias_mover import AliasMover
from codemill.application.registry.register_model import RegisterModel
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.registry.storage_model_lineage import StorageModelLineage
from codemill.infrastructure.registry.storage_model_registry import StorageModelRegistry
from codemill.infrastructure.registry.storage_model_resolver import StorageModelResolver
from codemill.infrastructure.runs.storage_run_repository import StorageRunRepository
from tests.support.store_specs import StoreSpec


@pytest.fixture
def model_folder(tmp_path: Path) -> Path:
    """What the registry copies; the weights need not load (the registry never loads them)."""
    folder = tmp_path / "exported"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "bert", "num_labels": 3}))
    (folder / "model.safetensors").write_bytes(bytes(range(256)) * 40)
    (folder / "tokenizer.json").write_text('{"version": "1.0"}')
    (folder / "metrics.json").write_text('{"accuracy": 0.5}')
    return folder


@dataclass
class Registry:
    """The registry's adapters and use cases on one real store."""

    store: ArtifactStore
    registry: StorageModelRegistry
    runs: StorageRunRepository
    register: RegisterModel
    mover: AliasMover
    resolver: StorageModelResolver


@pytest.fixture
def registry(store_spec: StoreSpec, tmp_path: Path) -> Registry:
    store = store_spec.open()
    adapter, runs = StorageModelRegistry(store), StorageRunRepository(store)
    mover = AliasMover(adapter, user="ada")
    register = RegisterModel(
        registry=adapter,
        lineage=StorageModelLineage(store, runs),
        runs=runs,
        mover=mover,
        user="ada",
        versions={"codemill": "0.1.0"},
    )
    resolver = StorageModelResolver(adapter, runs, str(tmp_path / "cache"))
    return Registry(store, adapter, runs, register, mover, resolver)
