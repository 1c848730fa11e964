"""An ArtifactStore seen through a key prefix: one pipeline run's private corner of a store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from codemill.domain.keys import as_dir_prefix, join_key, validate_key, validate_prefix
from codemill.domain.ports.artifact_store import ArtifactStore, ObjectInfo


class ScopedArtifactStore(ArtifactStore):
    """Every key is read and written under `prefix/` of `inner`; listings give keys relative to it.

    Contract: the port's, with keys relative to the prefix; nothing outside
    the prefix can be reached (keys are validated before they are joined).
    """

    def __init__(self, inner: ArtifactStore, prefix: str) -> None:
        self._inner = inner
        self._prefix = as_dir_prefix(join_key(prefix))
        self.location = f"{inner.location.rstrip('/')}/{self._prefix.rstrip('/')}"

    @property
    def conditional_writes(self) -> bool:
        return self._inner.conditional_writes

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        self._inner.put(self._key(key), data)

    def create(self, key: str, data: bytes) -> bool:
        return self._inner.create(self._key(key), data)

    def open(self, key: str) -> BinaryIO:
        return self._inner.open(self._key(key))

    def list_objects(self, prefix: str = "") -> Iterator[ObjectInfo]:
        validate_prefix(prefix)
        for info in self._inner.list_objects(self._prefix + prefix):
            yield ObjectInfo(key=info.key[len(self._prefix) :], size=info.size)

    def exists(self, key: str) -> bool:
        return self._inner.exists(self._key(key))

    def delete(self, key: str) -> None:
        self._inner.delete(self._key(key))

    def _key(self, key: str) -> str:
        return self._prefix + validate_key(key)
