"""Where a validation report and a fitted calibration go: beside a local model, or published in storage."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.application.publishing.republish import add_to_published
from codemill.application.training.publication import manifest_sha256
from codemill.application.validation.calibration import CALIBRATION_FILE, DIAGRAM_FILE, CalibrationOutcome
from codemill.application.validation.report import report_json, report_markdown
from codemill.domain.ports.artifact_store import ArtifactStore

VALIDATIONS = "validations"
MODELS = "models"
VALIDATION_KIND = "validation"
REPORT_JSON, REPORT_MD = "validation.json", "validation.md"


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where the report files went (local folders, storage prefixes) and where calibration.json went."""

    stored: tuple[str, ...]
    calibration: str | None


def report_files(payload: Mapping[str, Any], calibration: CalibrationOutcome | None) -> dict[str, bytes]:
    """validation.json, validation.md, and reliability.png + calibration.json when calibration was fitted."""
    files = {REPORT_JSON: report_json(payload)}
    if calibration is not None and calibration.diagram is not None:
        files[DIAGRAM_FILE] = calibration.diagram
    fitted = calibration.calibration_bytes() if calibration is not None else None
    if fitted is not None:
        files[CALIBRATION_FILE] = fitted
    files[REPORT_MD] = report_markdown(payload, diagram=DIAGRAM_FILE if DIAGRAM_FILE in files else None)
    return files


class ReportPublisher:
    """Stores a report for a local model folder or for a model in storage.

    - Local model: the report files go into `report_dir` (default: the model
      folder) and calibration.json into the model folder; each write atomic.
    - Stored model: calibration.json is added to `models/NAME/` (other
      files untouched, manifest last), then the report files are published
      under `validations/NAME/` (manifest last, kind 'validation', with the
      sha256 of the model's manifest), and a copy goes to `report_dir`.
    - Registry version: immutable, so nothing is added to it; the report
      files, calibration.json included, are published under the version's
      validation prefix (`registry/NAME/validations/N/`).
    """

    def __init__(self, store: ArtifactStore, folder_store: Callable[[str], ArtifactStore]) -> None:
        self._store = store
        self._folder_store = folder_store

    def local(self, folder: str, report_dir: str | None, files: Mapping[str, bytes]) -> Placement:
        target = report_dir or folder
        self._write_folder(target, files)
        calibration = files.get(CALIBRATION_FILE)
        if calibration is None:
            return Placement(stored=(str(Path(target).resolve()),), calibration=None)
        self._folder_store(folder).put(CALIBRATION_FILE, calibration)
        return Placement(
            stored=(str(Path(target).resolve()),), calibration=str(Path(folder) / CALIBRATION_FILE)
        )

    def stored(
        self,
        name: str,
        report_dir: str | None,
        files: Mapping[str, bytes],
        metadata: Mapping[str, Any],
        fingerprint: str,
    ) -> Placement:
        """`fingerprint`: the sha256 of the model's manifest as validated; the report records the
        manifest's hash once calibration.json is added, so it names the model it speaks for."""
        calibration = files.get(CALIBRATION_FILE)
        target = None
        if calibration is not None:
            prefix = f"{MODELS}/{name}"
            republished = add_to_published(
                self._store,
                prefix,
                {CALIBRATION_FILE: calibration},
                metadata={"calibration": CALIBRATION_FILE},
            )
            fingerprint, target = manifest_sha256(republished), f"{prefix}/{CALIBRATION_FILE}"
        places = self._publish(
            f"{VALIDATIONS}/{name}", report_dir, files, {**metadata, "model_manifest_sha256": fingerprint}
        )
        return Placement(stored=places, calibration=target)

    def registry_version(
        self, prefix: str, report_dir: str | None, files: Mapping[str, bytes], metadata: Mapping[str, Any]
    ) -> Placement:
        """A registry version is immutable: its report, calibration.json included, goes to `prefix`."""
        places = self._publish(prefix, report_dir, files, metadata)
        fitted = f"{prefix.rstrip('/')}/{CALIBRATION_FILE}" if CALIBRATION_FILE in files else None
        return Placement(stored=places, calibration=fitted)

    def report_only(self, report_dir: str | None, files: Mapping[str, bytes]) -> Placement:
        """Nothing published in storage: the files go to `report_dir`, when one is given."""
        if report_dir is None:
            return Placement(stored=(), calibration=None)
        self._write_folder(report_dir, files)
        return Placement(stored=(str(Path(report_dir).resolve()),), calibration=None)

    def _publish(
        self, prefix: str, report_dir: str | None, files: Mapping[str, bytes], metadata: Mapping[str, Any]
    ) -> tuple[str, ...]:
        places = []
        if report_dir is not None:
            self._write_folder(report_dir, files)
            places.append(str(Path(report_dir).resolve()))
        writer = ArtifactWriter(self._store, prefix, kind=VALIDATION_KIND)
        for path in sorted(files):
            writer.write(path, files[path])
        writer.publish(metadata=dict(metadata))
        places.append(writer.prefix)
        return tuple(places)

    def _write_folder(self, folder: str, files: Mapping[str, bytes]) -> None:
        target = self._folder_store(folder)
        for path in sorted(files):
            target.put(path, files[path])
