"""Moving one checkpoint between a local folder and storage, its record always last."""

from __future__ import annotations

import logging
from pathlib import Path

from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from codemill.domain.manifest import ManifestEntry
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.datasets.verified_files import download_verified, matches_entry
from codemill.infrastructure.local_files import write_atomically
from codemill.infrastructure.runs.stored_checkpoints import CheckpointRecord, StoredCheckpoints
from codemill.infrastructure.training.checkpoint_records import RECORD_NAME

log = logging.getLogger("codemill.runs")


def upload_checkpoint(store: ArtifactStore, prefix: str, folder: Path, record: CheckpointRecord) -> bool:
    """Upload the files the record lists, checking each sha256 on the way, then the record.

    A stored copy is unpublished (its record deleted) and cleared first. A
    missing or changed local file stops the upload before the record is
    written, clears what was sent, logs a warning and returns False.
    """
    delete_checkpoint(store, prefix)
    writer = ArtifactWriter(store, prefix, kind="checkpoint")  # hashes while streaming; never published
    try:
        for path, expected in sorted(record.files.items()):
            with folder.joinpath(*path.split("/")).open("rb") as stream:
                if writer.write_stream(path, stream).sha256 != expected:
                    raise IntegrityError(f"'{path}' does not match its record checksum")
    except (OSError, IntegrityError) as exc:
        log.warning("not uploading checkpoint %s: %s", folder, exc)
        store.delete_prefix(prefix)
        return False
    store.put(prefix + RECORD_NAME, record.raw)
    return True


def delete_checkpoint(store: ArtifactStore, prefix: str) -> None:
    """Delete the record first, so a half-deleted checkpoint is never taken for whole, then the rest."""
    store.delete(prefix + RECORD_NAME)
    store.delete_prefix(prefix)


def fetch_checkpoint(
    store: ArtifactStore, stored: StoredCheckpoints, record: CheckpointRecord, target: Path
) -> bool:
    """Make `target` a verified copy of a stored checkpoint; False (warned) when the stored one is damaged.

    A local record equal to the stored one with intact files means nothing to
    download. Otherwise the local record goes first, every file that does not
    already match is downloaded to a temp file, verified and renamed into
    place, and the record is written last.
    """
    prefix = f"{stored.base}{record.folder}/"
    entries = [
        ManifestEntry(path=path, sha256=digest, size=stored.sizes.get(prefix + path, -1))
        for path, digest in sorted(record.files.items())
    ]
    local_record = target / RECORD_NAME
    if local_record.is_file() and local_record.read_bytes() == record.raw and _all_match(target, entries):
        return True
    local_record.unlink(missing_ok=True)
    what = f"stored checkpoint {prefix}"
    try:
        for entry in entries:
            path = target.joinpath(*entry.path.split("/"))
            if entry.size < 0:
                raise IntegrityError(f"{what}: '{entry.path}' is listed in its record but missing")
            if not matches_entry(path, entry):
                download_verified(store, prefix + entry.path, entry, path, what=what)
    except (IntegrityError, ArtifactNotFoundError) as exc:
        log.warning("skipping a corrupted checkpoint: %s", exc)
        return False
    write_atomically(local_record, record.raw)
    return True


def _all_match(target: Path, entries: list[ManifestEntry]) -> bool:
    return all(matches_entry(target.joinpath(*e.path.split("/")), e) for e in entries)
