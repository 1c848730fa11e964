"""An in-memory ArtifactStore for unit tests of use cases."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import BinaryIO, final

from codemill.domain.errors import ArtifactNotFoundError
from codemill.domain.keys import validate_key, validate_prefix
from codemill.domain.ports.artifact_store import ArtifactStore, ObjectInfo


@final
class InMemoryArtifactStore(ArtifactStore):
    conditional_writes = True  # `create` holds a lock

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.location = "memory://"
        self.writes: list[str] = []
        self._lock = threading.Lock()

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        payload = data if isinstance(data, bytes) else data.read()
        self.objects[validate_key(key)] = bytes(payload)
        self.writes.append(key)

    def create(self, key: str, data: bytes) -> bool:
        with self._lock:
            if validate_key(key) in self.objects:
                return False
            self.objects[key] = bytes(data)
        self.writes.append(key)
        return True

    def open(self, key: str) -> BinaryIO:
        try:
            return io.BytesIO(self.objects[validate_key(key)])
        except KeyError:
            raise ArtifactNotFoundError(f"no artifact {key!r}") from None

    def list_objects(self, prefix: str = "") -> Iterator[ObjectInfo]:
        validate_prefix(prefix)
        for key in sorted(self.objects):
            if key.startswith(prefix):
                yield ObjectInfo(key=key, size=len(self.objects[key]))

    def exists(self, key: str) -> bool:
        return validate_key(key) in self.objects

    def delete(self, key: str) -> None:
        self.objects.pop(validate_key(key), None)
