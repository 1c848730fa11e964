"""Copying a model's files into a registry version: a stored model's verified, a local folder's checked."""

from __future__ import annotations

from pathlib import Path

from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.domain.errors import InputError, IntegrityError
from codemill.domain.keys import join_key
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.registry import ModelSource
from codemill.domain.registry_layout import VERSION_RECORD
from codemill.infrastructure.datasets.verified_files import published_manifest
from codemill.infrastructure.runs.model_files import exportable_files
from codemill.infrastructure.runs.storage_run_repository import MODEL_KIND


def copy_model(store: ArtifactStore, writer: ArtifactWriter, source: ModelSource, models_root: str) -> int:
    """Write every file of `source` through `writer`; return how many. Nothing is published here."""
    if source.kind == "storage":
        return _copy_stored(store, writer, join_key(models_root, source.location), str(source))
    return _copy_folder(writer, source.location)


def _copy_stored(store: ArtifactStore, writer: ArtifactWriter, prefix: str, what: str) -> int:
    manifest, _ = published_manifest(store, prefix, MODEL_KIND, what=f"model {what!r}")
    _refuse_reserved([entry.path for entry in manifest.entries], what)
    for entry in manifest.entries:
        with store.open(join_key(prefix, entry.path)) as stream:
            copied = writer.write_stream(entry.path, stream)
        if (copied.sha256, copied.size) != (entry.sha256, entry.size):
            raise IntegrityError(
                f"model {what!r}: '{entry.path}' does not match its manifest checksum; nothing was registered"
            )
    return len(manifest.entries)


def _copy_folder(writer: ArtifactWriter, folder: str) -> int:
    files = exportable_files(folder)  # refuses pickles; needs safetensors weights
    if "config.json" not in files:
        raise InputError(f"model folder {folder} has no config.json: save the model with save_pretrained")
    _refuse_reserved(list(files), folder)
    for path, file in files.items():
        with Path(file).open("rb") as stream:
            writer.write_stream(path, stream)
    return len(files)


def _refuse_reserved(paths: list[str], what: str) -> None:
    if VERSION_RECORD in paths:
        raise InputError(f"model {what!r} has a file named {VERSION_RECORD}, which the registry reserves")
