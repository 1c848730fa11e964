"""A real ArtifactStore wrapped to record which keys were written and deleted, in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from codemill.domain.ports.artifact_store import ArtifactStore, ObjectInfo


class RecordingStore(ArtifactStore):
    def __init__(self, inner: ArtifactStore) -> None:
        self.inner = inner
        self.location = inner.location
        self.puts: list[str] = []
        self.deletes: list[str] = []
        self.creates: list[tuple[str, bool]] = []  # (key, whether this call created it)

    @property
    def conditional_writes(self) -> bool:
        return self.inner.conditional_writes

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        self.inner.put(key, data)
        self.puts.append(key)

    def create(self, key: str, data: bytes) -> bool:
        created = self.inner.create(key, data)
        self.creates.append((key, created))
        return created

    def open(self, key: str) -> BinaryIO:
        return self.inner.open(key)

    def list_objects(self, prefix: str = "") -> Iterator[ObjectInfo]:
        return self.inner.list_objects(prefix)

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)

    def delete(self, key: str) -> None:
        self.inner.delete(key)
        self.deletes.append(key)
