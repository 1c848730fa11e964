"""Reading published artifacts only after checking them against their manifest, in memory or on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from codemill.domain.keys import join_key, validate_key
from codemill.domain.manifest import MANIFEST_NAME, Manifest, ManifestEntry
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.local_files import atomic_file, write_atomically

COMPLETE_MARKER = ".complete"
_CHUNK = 1 << 20


def published_manifest(store: ArtifactStore, prefix: str, kind: str, *, what: str) -> tuple[Manifest, bytes]:
    """The manifest of a published prefix (and its bytes), which must be of `kind`.

    ArtifactNotFoundError naming `what` when nothing is published there,
    IntegrityError when the prefix holds another kind of artifact.
    """
    key = join_key(prefix, MANIFEST_NAME)
    try:
        raw = store.get(key)
    except ArtifactNotFoundError:
        raise ArtifactNotFoundError(f"{what} does not exist or was never completed") from None
    manifest = Manifest.from_json(raw, where=key)
    if manifest.kind != kind:
        raise IntegrityError(f"'{key}' belongs to a {manifest.kind!r}, not a {kind}")
    return manifest, raw


def read_verified(store: ArtifactStore, prefix: str, manifest: Manifest, path: str, *, what: str) -> bytes:
    """The bytes of one listed artifact; IntegrityError naming it when missing or altered."""
    entry = manifest.entry(path)
    if entry is None:
        raise ArtifactNotFoundError(f"{what} has no artifact '{path}'")
    try:
        data = store.get(join_key(prefix, path))
    except ArtifactNotFoundError:
        raise IntegrityError(f"{what}: '{path}' is listed in its manifest but missing") from None
    if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
        raise IntegrityError(f"{what}: '{path}' does not match its manifest checksum")
    return data


def local_copy(store: ArtifactStore, prefix: str, raw_manifest: bytes, folder: Path, *, what: str) -> Path:
    """Download every artifact the manifest lists into `folder`, verified, unless already complete.

    Each file is written to a temp file, hashed on the way, and renamed into
    place only if it matches; the manifest, then an empty completeness marker,
    are written last, so a folder with the marker is whole.
    """
    if (folder / COMPLETE_MARKER).is_file():
        return folder
    manifest = Manifest.from_json(raw_manifest, where=f"{what} manifest")
    for entry in manifest.entries:
        target = folder.joinpath(*validate_key(entry.path).split("/"))
        if not matches_entry(target, entry):
            download_verified(store, join_key(prefix, entry.path), entry, target, what=what)
    write_atomically(folder / MANIFEST_NAME, raw_manifest)
    write_atomically(folder / COMPLETE_MARKER, b"")
    return folder


def download_verified(
    store: ArtifactStore, key: str, entry: ManifestEntry, target: Path, *, what: str
) -> None:
    digest, size = hashlib.sha256(), 0
    try:
        with atomic_file(target) as out, store.open(key) as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            if size != entry.size or digest.hexdigest() != entry.sha256:
                raise IntegrityError(f"{what}: '{entry.path}' does not match its manifest checksum")
    except ArtifactNotFoundError:
        raise IntegrityError(f"{what}: '{entry.path}' is listed in its manifest but missing") from None


def matches_entry(path: Path, entry: ManifestEntry) -> bool:
    if not path.is_file() or path.stat().st_size != entry.size:
        return False
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest() == entry.sha256
