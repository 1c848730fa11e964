"""The record written into each checkpoint folder: when it was taken, how good it was, its files' sha256."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codemill.domain.keys import validate_key
from codemill.domain.training import CheckpointInfo
from codemill.infrastructure.local_files import write_atomically

RECORD_NAME = "codemill_checkpoint.json"
SCHEMA_VERSION = 1
CHECKPOINT_FOLDER = re.compile(r"checkpoint-(\d+)")
_CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


def checkpoint_step(folder: Path) -> int | None:
    """The step in a `checkpoint-STEP` folder name, None for any other name."""
    match = CHECKPOINT_FOLDER.fullmatch(folder.name)
    return int(match.group(1)) if match else None


def write_record(
    folder: Path, *, step: int, epoch: float, metrics: Mapping[str, float], config_hash: str
) -> CheckpointInfo:
    """Hash every file of the checkpoint and write the record atomically (temp file, fsync, rename)."""
    info = CheckpointInfo(
        step=step,
        epoch=epoch,
        metrics=dict(metrics),
        location=str(folder),
        config_hash=config_hash,
        files=file_digests(folder),
        schema_version=SCHEMA_VERSION,
    )
    payload = {
        "schema_version": info.schema_version,
        "step": info.step,
        "epoch": info.epoch,
        "metrics": dict(info.metrics),
        "config_hash": info.config_hash,
        "files": dict(info.files),
    }
    write_atomically(
        folder / RECORD_NAME, (json.dumps(payload, indent=2, sort_keys=True) + "\n").encode("utf-8")
    )
    return info


def read_record(folder: Path) -> CheckpointInfo | None:
    """The checkpoint described by the folder's record; None when it is missing or unreadable."""
    try:
        data: Any = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
        return CheckpointInfo(
            step=int(data["step"]),
            epoch=float(data["epoch"]),
            metrics={str(k): float(v) for k, v in data["metrics"].items()},
            location=str(folder),
            config_hash=str(data.get("config_hash", "")),
            files=record_files(data),
            schema_version=int(data["schema_version"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def record_files(payload: Any) -> dict[str, str]:
    """A record's `files` map, checked: relative '/'-keys (not the record itself) to sha256 digests.

    Raises ValueError, KeyError or TypeError naming the bad entry.
    """
    files = payload["files"]
    if not isinstance(files, dict):
        raise TypeError("'files' is not an object")
    for path, digest in files.items():
        validate_key(path)
        if path == RECORD_NAME or not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise ValueError(f"bad entry {path!r}")
    return {str(path): digest for path, digest in files.items()}


def file_digests(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under the folder, the record itself excepted."""
    return {
        path.relative_to(folder).as_posix(): sha256_of(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != RECORD_NAME and not path.name.startswith(".tmp-")
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
