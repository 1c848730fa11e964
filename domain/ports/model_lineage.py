"""Port: where a model came from, read from what storage holds about it."""

from __future__ import annotations

from typing import Any, Protocol


class ModelLineage(Protocol):
    """The lineage recorded with a registered version.

    Contract: `of_stored_model` describes `models/NAME/` (ArtifactNotFoundError
    when it is not published): `model` (name, manifest_sha256); when its run
    record exists and names this model, `run` (name, manifest_sha256, status,
    config_hash), `dataset` (name, manifest_sha256 the run trained on),
    `corpus` (name, manifest_sha256; only while the dataset is still the one
    trained on), `teacher` (distilled models), `task`, `metrics` and
    `trained_with` (library versions); `validation` (passed, report,
    created_at, dataset) when `validations/NAME/` holds a report on this very
    model (its manifest). Unknown parts are None, never guessed.
    `of_folder` describes a local model folder: `folder` (absolute path,
    fingerprint over its files) and `metrics` from its metrics.json if any.
    """

    def of_stored_model(self, name: str) -> dict[str, Any]: ...

    def of_folder(self, folder: str) -> dict[str, Any]: ...
