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
    - `create` writes `data` only if no object has the key, and returns True
      exactly when this call wrote it (False: the key was taken, or on S3 a
      concurrent write to it conflicted); what it writes is whole, never a part;
    - `conditional_writes` says whether `create` is atomic against concurrent
      writers (threads, processes, machines sharing the backend): when True,
      of any number of concurrent creates of one key exactly one returns True;
      when False, `create` is a check then a put, and two creators racing
      inside that window may both get True (the later write wins);
    - backend failures raise StorageError subclasses with a one-line message.
    """

    #: Human-readable location, e.g. 'file:///data' or 's3://bucket/prefix'.
    location: str

    @property
    @abstractmethod
    def conditional_writes(self) -> bool:
        """True when `create` is atomic against concurrent writers on this backend."""

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

    @abstractmethod
    def create(self, key: str, data: bytes) -> bool:
        """Write `data` under `key` only if no object has that key; True when this call created it."""

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
