"""TeacherCache on any ArtifactStore, under `distill-cache/KEY/` with the manifest last."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.manifest import MANIFEST_NAME, Manifest
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.datasets.verified_files import COMPLETE_MARKER, local_copy
from codemill.infrastructure.versions import package_version

CACHE_KIND = "teacher-logits"
_KEY = re.compile(r"[0-9a-f]{64}")


class StorageTeacherCache:
    """TeacherCache (see the port): `PREFIX/KEY/` holds the folder's files, then `manifest.json`.

    A fetched folder is verified file by file against the manifest; the
    local bookkeeping files (the manifest copy, the completeness marker)
    are never uploaded.
    """

    def __init__(self, store: ArtifactStore, *, prefix: str = "distill-cache") -> None:
        self._store = store
        self._prefix = prefix.strip("/")

    def fetch(self, key: str, local_folder: str) -> bool:
        prefix = self._key_prefix(key)
        try:
            raw = self._store.get(prefix + MANIFEST_NAME)
        except ArtifactNotFoundError:
            return False
        local_copy(self._store, prefix, raw, Path(local_folder), what=f"teacher outputs {key[:12]}")
        return True

    def publish(self, key: str, local_folder: str, metadata: Mapping[str, Any]) -> Manifest:
        folder = Path(local_folder)
        writer = ArtifactWriter(self._store, self._key_prefix(key), kind=CACHE_KIND)
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name not in {MANIFEST_NAME, COMPLETE_MARKER}:
                with path.open("rb") as stream:
                    writer.write_stream(path.relative_to(folder).as_posix(), stream)
        return writer.publish(
            code_version=package_version("codemill"),
            tool_versions={"numpy": package_version("numpy")},
            metadata={"key": key, **dict(metadata)},
        )

    def _key_prefix(self, key: str) -> str:
        if not _KEY.fullmatch(key):
            raise InputError(f"teacher cache key {key!r} is not a sha256 (64 lowercase hex digits)")
        return f"{self._prefix}/{key}/"
