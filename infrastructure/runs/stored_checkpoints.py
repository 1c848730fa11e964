"""Checkpoint records (the format lives in training.checkpoint_records) as found locally or in storage."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from codemill.domain.errors import IntegrityError
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.training.checkpoint_records import (
    CHECKPOINT_FOLDER,
    RECORD_NAME,
    record_files,
)

log = logging.getLogger("codemill.runs")


@dataclass(frozen=True, kw_only=True)
class CheckpointRecord:
    """One checkpoint as its record describes it: folder name, raw record, files and their sha256."""

    folder: str  # 'checkpoint-STEP'
    raw: bytes
    files: dict[str, str]  # relative path -> sha256

    @property
    def step(self) -> int:
        return int(self.folder.rpartition("-")[2])

    def same_as(self, other: CheckpointRecord | None) -> bool:
        return other is not None and json.loads(self.raw) == json.loads(other.raw)


def parse_record(folder: str, raw: bytes, *, where: str) -> CheckpointRecord:
    """The record of `folder`; IntegrityError naming `where` when it is not a usable record."""
    try:
        files = record_files(json.loads(raw))
    except (ValueError, KeyError, TypeError) as exc:
        raise IntegrityError(f"{where} is not a valid checkpoint record: {exc}") from exc
    return CheckpointRecord(folder=folder, raw=raw, files=files)


def local_records(folder: Path) -> dict[str, CheckpointRecord]:
    """Checkpoints under `folder` that have a readable record; the others are skipped with a warning."""
    found: dict[str, CheckpointRecord] = {}
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        record_path = child / RECORD_NAME
        if not CHECKPOINT_FOLDER.fullmatch(child.name) or not record_path.is_file():
            continue
        try:
            found[child.name] = parse_record(child.name, record_path.read_bytes(), where=str(record_path))
        except IntegrityError as exc:
            log.warning("skipping checkpoint %s: %s", child, exc)
    return found


@dataclass(frozen=True, kw_only=True)
class StoredCheckpoints:
    """What a run's `checkpoints/` prefix holds: every checkpoint folder, and object sizes by key."""

    base: str  # 'runs/NAME/checkpoints/'
    folders: frozenset[str]
    sizes: dict[str, int]

    def record(self, store: ArtifactStore, folder: str) -> CheckpointRecord | None:
        """The folder's stored record; None when it has none or an unreadable one (warned)."""
        key = f"{self.base}{folder}/{RECORD_NAME}"
        if key not in self.sizes:
            return None
        try:
            return parse_record(folder, store.get(key), where=key)
        except IntegrityError as exc:
            log.warning("ignoring stored checkpoint %s: %s", folder, exc)
            return None


def stored_checkpoints(store: ArtifactStore, base: str) -> StoredCheckpoints:
    """One listing of `base`: the checkpoint folders found there (with or without a record)."""
    sizes = {info.key: info.size for info in store.list_objects(base)}
    folders = {key[len(base) :].partition("/")[0] for key in sizes}
    return StoredCheckpoints(
        base=base, folders=frozenset(f for f in folders if CHECKPOINT_FOLDER.fullmatch(f)), sizes=sizes
    )
