"""ArtifactStore on an S3-compatible bucket."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from codemill.domain.errors import ArtifactNotFoundError, ConfigurationError, StorageError
from codemill.domain.keys import validate_key, validate_prefix
from codemill.domain.ports.artifact_store import ArtifactStore, ObjectInfo
from codemill.infrastructure.storage.s3_conditional import honours_if_none_match, put_if_absent
from codemill.infrastructure.storage.s3_errors import S3Target, s3_errors
from codemill.infrastructure.storage.s3_presets import env_var

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MIB = 1 << 20
_READ_BUFFER = MIB
_DELETE_BATCH = 1000
log = logging.getLogger("codemill.storage")


class S3ArtifactStore(ArtifactStore):
    """Objects live in `bucket` under the optional `prefix`.

    Objects smaller than `multipart_threshold` are sent in one PUT; larger
    ones and streams go through boto3's managed transfer, whose multipart
    upload becomes visible only when completed and is aborted on failure, so
    `put` stays atomic. Listing is sorted here because some S3-compatible
    servers (SeaweedFS) list folder-first rather than in key order.

    `create` is a PUT with `If-None-Match: *`, refused with 412 when the key
    exists (documented by AWS S3; measured on SeaweedFS 4.48). Servers that
    ignore the header are found once per store by a probe (one object under
    `.codemill/probe/` created twice, then deleted); on those `create` falls
    back to HEAD then PUT and `conditional_writes` is False. Pass
    `conditional_writes` to skip the probe and force either behaviour. With a
    `client_factory` the store can be pickled (to a collection worker), which
    then connects with a client of its own.
    """

    def __init__(
        self,
        client: Any,
        bucket: str,
        prefix: str = "",
        *,
        multipart_threshold: int = 8 * MIB,
        multipart_chunksize: int = 8 * MIB,
        conditional_writes: bool | None = None,
        client_factory: Callable[[], Any] | None = None,
    ) -> None:
        if not bucket:
            raise ConfigurationError(f"no S3 bucket configured: set {env_var('bucket')}")
        self._client = client
        self.bucket = bucket
        self.prefix = validate_key(prefix.strip("/")) if prefix.strip("/") else ""
        self._base = self.prefix + "/" if self.prefix else ""
        self.location = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self._target = S3Target(endpoint=str(client.meta.endpoint_url), bucket=bucket, location=self.location)
        self._multipart_threshold = multipart_threshold
        self._multipart_chunksize = multipart_chunksize
        self._bucket_confirmed = False
        self._conditional = conditional_writes
        self._probe_lock = threading.Lock()
        self._client_factory = client_factory

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its client: the other process builds its own with `client_factory`."""
        if self._client_factory is None:
            raise TypeError(
                f"the store {self.location} has no client factory and cannot go to another process"
            )
        return {k: v for k, v in self.__dict__.items() if k not in ("_client", "_probe_lock")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._client = self._client_factory() if self._client_factory is not None else None
        self._probe_lock = threading.Lock()

    @property
    def conditional_writes(self) -> bool:
        """Whether the server honours `If-None-Match: *` (probed on first use, once per store)."""
        if self._conditional is None:
            with self._probe_lock:
                if self._conditional is None:
                    with s3_errors(self._target):
                        self._conditional = honours_if_none_match(self._client, self.bucket, self._base)
                    if not self._conditional:
                        log.warning(
                            "%s ignores conditional writes (If-None-Match): creating objects falls back "
                            "to check-then-put, which is not atomic between concurrent writers",
                            self._target.endpoint,
                        )
        return self._conditional

    def create(self, key: str, data: bytes) -> bool:
        object_key = self._object_key(key)
        if not self.conditional_writes:
            if self.exists(key):
                return False
            self.put(key, data)
            return True
        with s3_errors(self._target, key):
            return put_if_absent(self._client, self.bucket, object_key, bytes(data))

    def _object_key(self, key: str) -> str:
        return self._base + validate_key(key)

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        object_key = self._object_key(key)
        with s3_errors(self._target, key):
            if isinstance(data, bytes | bytearray | memoryview) and len(data) < self._multipart_threshold:
                self._client.put_object(Bucket=self.bucket, Key=object_key, Body=bytes(data))
                return
            stream = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
            self._client.upload_fileobj(stream, self.bucket, object_key, Config=self._transfer_config())

    def _transfer_config(self) -> Any:
        from boto3.s3.transfer import TransferConfig

        return TransferConfig(
            multipart_threshold=self._multipart_threshold, multipart_chunksize=self._multipart_chunksize
        )

    def open(self, key: str) -> BinaryIO:
        object_key = self._object_key(key)
        with s3_errors(self._target, key):
            body = self._client.get_object(Bucket=self.bucket, Key=object_key)["Body"]
        return io.BufferedReader(_ObjectBodyReader(body, self._target, key), buffer_size=_READ_BUFFER)

    def exists(self, key: str) -> bool:
        object_key = self._object_key(key)
        try:
            with s3_errors(self._target, key):
                self._client.head_object(Bucket=self.bucket, Key=object_key)
        except ArtifactNotFoundError:
            self._confirm_bucket()  # HEAD answers a bare 404 for a missing bucket too
            return False
        return True

    def _confirm_bucket(self) -> None:
        if not self._bucket_confirmed:
            with s3_errors(self._target):
                self._client.head_bucket(Bucket=self.bucket)
            self._bucket_confirmed = True

    def delete(self, key: str) -> None:
        object_key = self._object_key(key)
        try:
            with s3_errors(self._target, key):
                self._client.delete_object(Bucket=self.bucket, Key=object_key)
        except ArtifactNotFoundError:
            return

    def list_objects(self, prefix: str = "") -> Iterator[ObjectInfo]:
        validate_prefix(prefix)
        paginator = self._client.get_paginator("list_objects_v2")
        found: list[ObjectInfo] = []
        with s3_errors(self._target):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._base + prefix):
                found.extend(
                    ObjectInfo(key=item["Key"][len(self._base) :], size=int(item["Size"]))
                    for item in page.get("Contents", ())
                    if not item["Key"].endswith("/")  # folder markers are not objects
                )
        found.sort(key=lambda info: info.key)
        yield from found

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under `prefix` in batches of 1,000; return how many."""
        keys = [self._base + key for key in self.list(prefix)]
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = [{"Key": key} for key in keys[start : start + _DELETE_BATCH]]
            with s3_errors(self._target):
                response = self._client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            failures = response.get("Errors") or []
            if failures:
                first = failures[0]
                raise StorageError(
                    f"could not delete {len(failures)} objects under {prefix!r} in {self.location}: "
                    f"{str(first.get('Key', ''))[len(self._base) :]!r} ({first.get('Code')})"
                )
        return len(keys)


class _ObjectBodyReader(io.RawIOBase):
    """A GetObject body as a raw stream whose network failures become StorageErrors."""

    def __init__(self, body: Any, target: S3Target, key: str) -> None:
        self._body = body
        self._target = target
        self._key = key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        with s3_errors(self._target, self._key):
            chunk = self._body.read(len(view))
        view[: len(chunk)] = chunk
        return len(chunk)

    def readall(self) -> bytes:
        with s3_errors(self._target, self._key):
            return bytes(self._body.read())

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()
