"""Training runs under `runs/NAME/` and exported models under `models/NAME/`, on any ArtifactStore."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codemill.application.publishing.artifacts import ArtifactWriter, read_manifest
from codemill.domain.errors import ArtifactNotFoundError, InputError, IntegrityError
from codemill.domain.keys import join_key
from codemill.domain.manifest import MANIFEST_NAME, Manifest
from codemill.domain.names import NAME_PATTERN
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.datasets.verified_files import local_copy, published_manifest, read_verified
from codemill.infrastructure.runs.checkpoint_sync import (
    delete_checkpoint,
    fetch_checkpoint,
    upload_checkpoint,
)
from codemill.infrastructure.runs.model_files import exportable_files
from codemill.infrastructure.runs.stored_checkpoints import local_records, stored_checkpoints
from codemill.infrastructure.storage.published_names import named_prefix, published_names
from codemill.infrastructure.versions import package_version

RUN_KIND = "run"
MODEL_KIND = "model"
RUN_RECORD = "run.json"
CHECKPOINTS_FOLDER = "checkpoints"

log = logging.getLogger("codemill.runs")


class StorageRunRepository:
    """RunRepository on any ArtifactStore.

    Layout: `RUNS/NAME/checkpoints/checkpoint-STEP/` (the checkpoint's files,
    then `codemill_checkpoint.json` last), `RUNS/NAME/metrics/...`,
    `RUNS/NAME/tensorboard/...`, `RUNS/NAME/run.json` and
    `RUNS/NAME/manifest.json` last (kind 'run'); `MODELS/NAME/` holds the
    model files, model card and `manifest.json` last (kind 'model').
    Contract (the port, plus):
    - names follow the corpus rule (1-100 letters, digits, '.', '-', '_');
    - a stored checkpoint counts only with its record; sync skips one whose
      stored record equals the local one, re-uploads one that differs, and
      deletes stored ones absent locally (a missing local folder deletes
      nothing); a local file that no longer matches its record is not uploaded;
    - fetch verifies every file against the record and skips (with a
      warning) a checkpoint that is incomplete or corrupted in storage;
    - `publish_run` replaces the run's published files but never touches
      `checkpoints/`, which the run manifest does not list;
    - `export_model` refuses pickle weights before anything stored is touched.
    """

    def __init__(
        self, store: ArtifactStore, *, runs_prefix: str = "runs", models_prefix: str = "models"
    ) -> None:
        self._store = store
        self._runs_root = join_key(runs_prefix)
        self._models_root = join_key(models_prefix)

    def sync_checkpoints(self, name: str, local_folder: str) -> None:
        folder = Path(local_folder)
        base = self._run_prefix(name) + CHECKPOINTS_FOLDER + "/"
        if not folder.is_dir():
            log.info("no local checkpoints at %s: nothing synced for run %s", folder, name)
            return
        local = local_records(folder)
        stored = stored_checkpoints(self._store, base)
        for record in sorted(local.values(), key=lambda r: r.step):
            if not record.same_as(stored.record(self._store, record.folder)):
                upload_checkpoint(self._store, f"{base}{record.folder}/", folder / record.folder, record)
        for pruned in sorted(stored.folders - local.keys()):
            delete_checkpoint(self._store, f"{base}{pruned}/")

    def fetch_checkpoints(self, name: str, local_folder: str) -> int:
        stored = stored_checkpoints(self._store, self._run_prefix(name) + CHECKPOINTS_FOLDER + "/")
        fetched = 0
        for folder in sorted(stored.folders):
            record = stored.record(self._store, folder)
            if record is not None and fetch_checkpoint(
                self._store, stored, record, Path(local_folder) / folder
            ):
                fetched += 1
        return fetched

    def publish_run(self, name: str, files: Mapping[str, bytes], record: Mapping[str, Any]) -> Manifest:
        prefix = self._run_prefix(name)
        reserved = [
            p for p in files if p in {RUN_RECORD, MANIFEST_NAME} or p.startswith(CHECKPOINTS_FOLDER + "/")
        ]
        if reserved:
            raise InputError(f"run '{name}': {', '.join(sorted(reserved))} cannot be published as run files")
        payload = json.dumps(dict(record), indent=2, sort_keys=True, default=str) + "\n"
        writer = ArtifactWriter(self._store, prefix, kind=RUN_KIND)
        for key in list(self._store.list(prefix)):
            if not key.startswith(prefix + CHECKPOINTS_FOLDER + "/"):
                self._store.delete(key)
        for path in sorted(files):
            writer.write(path, files[path])
        writer.write(RUN_RECORD, payload)
        versions = record.get("versions")
        tools = {str(k): str(v) for k, v in versions.items()} if isinstance(versions, Mapping) else {}
        return writer.publish(
            config_hash=str(record.get("config_hash", "")),
            code_version=tools.get("codemill") or package_version("codemill"),
            tool_versions=tools,
            metadata={"name": name, "status": record.get("status")},
        )

    def export_model(self, name: str, model_folder: str, extra_files: Mapping[str, bytes]) -> Manifest:
        prefix = self._model_prefix(name)
        local = {
            path: file for path, file in exportable_files(model_folder).items() if path not in extra_files
        }
        writer = ArtifactWriter(self._store, prefix, kind=MODEL_KIND)
        self._store.delete_prefix(prefix)
        for path, file in local.items():
            with file.open("rb") as stream:
                writer.write_stream(path, stream)
        for path in sorted(extra_files):
            writer.write(path, extra_files[path])
        return writer.publish(
            code_version=package_version("codemill"),
            tool_versions={tool: package_version(tool) for tool in ("safetensors", "transformers", "torch")},
            metadata={"name": name, "run": self._run_prefix(name).rstrip("/"), "format": "safetensors"},
        )

    def model_manifest(self, name: str) -> Manifest:
        return self._model_manifest(name)[0]

    def fetch_model(self, name: str, local_root: str) -> str:
        """Download `models/NAME/` into `local_root/NAME-<manifest sha256[:16]>/`, verified."""
        _, raw = self._model_manifest(name)
        folder = Path(local_root).expanduser() / f"{name}-{hashlib.sha256(raw).hexdigest()[:16]}"
        return str(local_copy(self._store, self._model_prefix(name), raw, folder, what=f"model '{name}'"))

    def model_names(self) -> list[str]:
        return published_names(self._store, self._models_root, NAME_PATTERN)

    def names(self) -> list[str]:
        return published_names(self._store, self._runs_root, NAME_PATTERN)

    def record(self, name: str) -> dict[str, Any]:
        prefix = self._run_prefix(name)
        try:
            manifest = read_manifest(self._store, prefix)
        except ArtifactNotFoundError:
            raise ArtifactNotFoundError(f"run '{name}' does not exist or was never completed") from None
        if manifest.kind != RUN_KIND:
            raise IntegrityError(f"'{prefix}' holds a {manifest.kind!r}, not a run")
        record = json.loads(read_verified(self._store, prefix, manifest, RUN_RECORD, what=f"run '{name}'"))
        if not isinstance(record, dict):
            raise IntegrityError(f"run '{name}': {RUN_RECORD} is not a JSON object")
        return record

    def _model_manifest(self, name: str) -> tuple[Manifest, bytes]:
        return published_manifest(self._store, self._model_prefix(name), MODEL_KIND, what=f"model '{name}'")

    def _run_prefix(self, name: str) -> str:
        return named_prefix(self._runs_root, name, what="run")

    def _model_prefix(self, name: str) -> str:
        return named_prefix(self._models_root, name, what="model")
