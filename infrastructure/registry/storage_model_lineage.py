"""Where a model came from, read from storage: its manifest, run record, dataset and validation report."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codemill.application.training.publication import manifest_sha256
from codemill.application.validation.publishing import VALIDATION_KIND, VALIDATIONS
from codemill.domain.errors import CodemillError
from codemill.domain.keys import join_key
from codemill.domain.manifest import Manifest
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.ports.run_repository import RunRepository
from codemill.infrastructure.datasets.verified_files import published_manifest, read_verified
from codemill.infrastructure.runs.storage_run_repository import MODEL_KIND, RUN_KIND
from codemill.infrastructure.training.distillation.hf_teacher_locator import folder_fingerprint

log = logging.getLogger("codemill.registry")
DATASET_KIND, STATS, METRICS = "dataset", "stats.json", "metrics.json"


class StorageModelLineage:
    """ModelLineage (see the port) on any ArtifactStore and the run repository.

    Manifest hashes are sha256 of the manifest's JSON, as run records write
    them (`dataset_manifest_sha256`). The corpus is read from the dataset's
    stats.json only while the dataset's manifest is still the one the run
    recorded; a dataset rebuilt since gives `corpus: None`.
    """

    def __init__(
        self,
        store: ArtifactStore,
        runs: RunRepository,
        *,
        models_root: str = "models",
        runs_root: str = "runs",
    ) -> None:
        self._store = store
        self._runs = runs
        self._models_root = models_root
        self._runs_root = runs_root

    def of_stored_model(self, name: str) -> dict[str, Any]:
        prefix = join_key(self._models_root, name)
        manifest, _ = published_manifest(self._store, prefix, MODEL_KIND, what=f"model '{name}'")
        digest = manifest_sha256(manifest)
        lineage: dict[str, Any] = {
            "model": {"name": name, "manifest_sha256": digest},
            "validation": self._validation(name, digest),
        }
        record, run = self._run_record(name, manifest)
        if record is None:
            return {**lineage, "metrics": self._stored_metrics(prefix, manifest, name)}
        return {**lineage, **self._from_run(run, record)}

    def of_folder(self, folder: str) -> dict[str, Any]:
        path = Path(folder)
        try:
            metrics = json.loads((path / METRICS).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none, or not JSON: no metrics recorded
            metrics = {}
        return {
            "folder": {"path": str(path.resolve()), "fingerprint": folder_fingerprint(path)},
            "metrics": metrics if isinstance(metrics, dict) else {},
        }

    def _run_record(self, name: str, manifest: Manifest) -> tuple[dict[str, Any] | None, str]:
        run = str(manifest.metadata.get("run") or f"{self._runs_root}/{name}").rpartition("/")[2]
        try:
            record = self._runs.record(run)
        except CodemillError:
            return None, run
        if record.get("model") != f"{self._models_root}/{name}":
            return None, run  # a run of that name that did not export this model
        return record, run

    def _from_run(self, run: str, record: Mapping[str, Any]) -> dict[str, Any]:
        run_manifest, _ = published_manifest(
            self._store, join_key(self._runs_root, run), RUN_KIND, what=f"run '{run}'"
        )
        dataset, dataset_sha = record.get("dataset"), record.get("dataset_manifest_sha256")
        teacher = record.get("teacher")
        return {
            "run": {
                "name": run,
                "manifest_sha256": manifest_sha256(run_manifest),
                "status": record.get("status"),
                "config_hash": record.get("config_hash"),
            },
            "dataset": None if dataset is None else {"name": dataset, "manifest_sha256": dataset_sha},
            "corpus": None if dataset is None else self._corpus(str(dataset), dataset_sha),
            "teacher": None
            if teacher is None
            else {
                "reference": teacher,
                "origin": record.get("teacher_origin"),
                "fingerprint": record.get("teacher_fingerprint"),
            },
            "task": record.get("task"),
            "metrics": dict(record.get("metrics") or {}),
            "trained_with": record.get("versions"),
        }

    def _corpus(self, dataset: str, trained_on: Any) -> dict[str, Any] | None:
        prefix = join_key("datasets", dataset)
        try:
            manifest, _ = published_manifest(self._store, prefix, DATASET_KIND, what=f"dataset '{dataset}'")
            if manifest_sha256(manifest) != trained_on:
                log.info("dataset %s was rebuilt since the run: its corpus is not recorded", dataset)
                return None
            stats = json.loads(
                read_verified(self._store, prefix, manifest, STATS, what=f"dataset '{dataset}'")
            )
        except (CodemillError, ValueError):
            return None
        source = stats.get("source") if isinstance(stats, dict) else None
        if not isinstance(source, dict):
            return None
        origin = {"name": source["corpus"]} if source.get("corpus") else {"file": source.get("file")}
        return {**origin, "manifest_sha256": source.get("manifest_sha256")}

    def _stored_metrics(self, prefix: str, manifest: Manifest, name: str) -> dict[str, Any]:
        if manifest.entry(METRICS) is None:
            return {}
        try:
            metrics = json.loads(
                read_verified(self._store, prefix, manifest, METRICS, what=f"model '{name}'")
            )
        except ValueError:
            return {}
        return metrics if isinstance(metrics, dict) else {}

    def _validation(self, name: str, model_sha: str) -> dict[str, Any] | None:
        try:
            report, _ = published_manifest(
                self._store, join_key(VALIDATIONS, name), VALIDATION_KIND, what=f"validation of '{name}'"
            )
        except CodemillError:
            return None
        if report.metadata.get("model_manifest_sha256") != model_sha:
            log.info("the validation report of %s is about another state of the model: not recorded", name)
            return None
        return {
            "passed": bool(report.metadata.get("passed")),
            "report": f"{VALIDATIONS}/{name}",
            "created_at": report.created_at,
            "dataset": report.metadata.get("dataset"),
        }
