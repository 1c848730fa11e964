"""Adding files to an already published prefix: unpublish, write the new files, publish a merged manifest."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from codemill.application.publishing.artifacts import read_manifest
from codemill.domain.errors import IntegrityError
from codemill.domain.keys import as_dir_prefix, join_key
from codemill.domain.manifest import MANIFEST_NAME, Manifest, ManifestEntry
from codemill.domain.ports.artifact_store import ArtifactStore


def add_to_published(
    store: ArtifactStore,
    prefix: str,
    files: Mapping[str, bytes],
    *,
    metadata: Mapping[str, object] | None = None,
) -> Manifest:
    """Add (or replace) `files` under a published prefix; every other artifact stays as it is.

    The manifest is deleted first, so readers never take the prefix for
    complete while it changes; the new files are written; then a manifest
    listing the old entries (those not replaced) plus the new ones, with the
    same kind and provenance and `metadata` merged in, is written last.
    """
    base = as_dir_prefix(prefix)
    old = read_manifest(store, base)
    if MANIFEST_NAME in files:
        raise IntegrityError(f"'{MANIFEST_NAME}' is reserved for the manifest")
    store.delete(base + MANIFEST_NAME)
    entries = {entry.path: entry for entry in old.entries}
    for path in sorted(files):
        store.put(join_key(base, path), files[path])
        entries[path] = ManifestEntry(
            path=path, sha256=hashlib.sha256(files[path]).hexdigest(), size=len(files[path])
        )
    manifest = replace(
        old,
        entries=tuple(sorted(entries.values(), key=lambda e: e.path)),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        metadata={**old.metadata, **(metadata or {})},
    )
    store.put(base + MANIFEST_NAME, manifest.to_json().encode("utf-8"))
    return manifest
