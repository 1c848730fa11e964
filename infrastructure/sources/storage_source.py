"""CodeSource over the objects under a prefix of an ArtifactStore (local folder or S3)."""

from __future__ import annotations

from collections.abc import Iterator

from codemill.domain.errors import StorageError
from codemill.domain.keys import as_dir_prefix
from codemill.domain.ports.artifact_store import ArtifactStore, ObjectInfo
from codemill.domain.sources import RawFile, SkippedFile
from codemill.infrastructure.sources.local_folder_source import DEFAULT_MAX_BYTES
from codemill.infrastructure.sources.path_rules import HEAD_BYTES, TreeDirFilter, language_of


class StorageSource:
    """Every object under `prefix` in `store`, each as a file whose path is its key below the prefix.

    Contract: objects are listed through the port, in key order; vendored and
    build folders are skipped as in a folder; an object over `max_bytes` is
    counted as 'too_large' from its listed size, without downloading it; one
    that fails to download is counted as 'unreadable'; objects in no language
    we parse are counted as 'unsupported_language'. A listing failure raises
    the store's StorageError.
    """

    def __init__(
        self,
        store: ArtifactStore,
        prefix: str = "",
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        description: str | None = None,
    ) -> None:
        self._store = store
        self.prefix = as_dir_prefix(prefix.strip("/"))
        self.description = description if description is not None else f"{store.location}/{self.prefix}"
        self.commit = ""
        self.max_bytes = max_bytes

    def iter_files(self) -> Iterator[RawFile | SkippedFile]:
        objects = list(self._store.list_objects(self.prefix))
        dirs = TreeDirFilter({info.key[len(self.prefix) :] for info in objects})
        for info in objects:
            path = info.key[len(self.prefix) :]
            if not dirs.excluded(path):
                yield self._file(path, info)

    def close(self) -> None:
        """Nothing to remove: the objects belong to the store."""

    def _skip(self, path: str, reason: str, detail: str = "") -> SkippedFile:
        return SkippedFile(path=path, reason=reason, source=self.description, detail=detail)

    def _file(self, path: str, info: ObjectInfo) -> RawFile | SkippedFile:
        try:
            if language_of(path, lambda: self._read(info.key, HEAD_BYTES)) is None:
                return self._skip(path, "unsupported_language")
            if info.size > self.max_bytes:
                return self._skip(path, "too_large", f"{info.size} bytes > {self.max_bytes}")
            data = self._read(info.key, self.max_bytes + 1)
        except (StorageError, OSError) as exc:
            return self._skip(path, "unreadable", str(exc))
        if len(data) > self.max_bytes:
            return self._skip(path, "too_large", f"more than {self.max_bytes} bytes")
        return RawFile(path=path, data=data, source=self.description)

    def _read(self, key: str, limit: int) -> bytes:
        with self._store.open(key) as stream:
            return stream.read(limit)
