"""The storage port every artifact goes through."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int


class ArtifactStore(ABC):
    """Blobs under '/'-separated relative keys.

    Contract:
    - a key never escapes the store's root: keys with '..', '.', empty
      segments, a leading '/' or backslashes raise InvalidKeyError;
    - `put` is atomic: a reader sees the old object or the new one, never a part;
    - `open`/`get` of a missing key raise ArtifactNotFoundError;
    - `list_objects` yields objects whose key starts with `prefix`, in lexical
      key order, across any number of keys (pagination is the adapter's job);
    - `delete` of a missing key is not an error;
    - backend failures raise StorageError subclasses with a one-line message.
    """

    #: Human-readable location, e.g. 'file:///data' or 's3://bucket/prefix'.
    location: str

    @abstractmethod
    def put(self, key: str, data: bytes | BinaryIO) -> None: ...

    @abstractmethod
    def open(self, key: str) -> BinaryIO: ...

    @abstractmethod
    def list_objects(self, prefix: str = "") -> Iterator[ObjectInfo]: ...

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    def get(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def list(self, prefix: str = "") -> Iterator[str]:
        return (info.key for info in self.list_objects(prefix))

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under `prefix`; return how many were deleted."""
        keys = list(self.list(prefix))
        for key in keys:
            self.delete(key)
        return len(keys)
