"""Claiming a published name before writing under it: one writer at a time, nothing replaced silently."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from codemill.domain.errors import ArtifactNotFoundError, InputError, IntegrityError
from codemill.domain.keys import as_dir_prefix, join_key
from codemill.domain.manifest import MANIFEST_NAME, Manifest
from codemill.domain.ports.artifact_store import ArtifactStore

LOCKS = ".locks"


@dataclass(frozen=True, kw_only=True)
class NameClaim:
    """The right to publish under `prefix` until released; `replaces` is the manifest it will replace."""

    prefix: str
    what: str  # "corpus 'docs'", for messages
    lock_key: str
    replaces: str | None = None  # sha256 of the published manifest being replaced (with overwrite)

    def lineage(self) -> dict[str, str]:
        """What a manifest or record publishes about the artifact it replaces ({} when none)."""
        return {"replaces": self.replaces} if self.replaces else {}


class NameClaims:
    """Exclusive, checked claims on published names, on any ArtifactStore.

    - A claim is an object `.locks/PREFIX.json` made with `ArtifactStore.create`
      (atomic: a hard link locally, a conditional PUT on S3; a check-then-put
      on S3 servers that ignore conditional writes, which the store warns
      about). A second writer of the same name fails with one line naming
      the holder and leaves nothing behind. A claim left by a process that
      died on this host is taken over; one from another host must be removed
      by hand (the message says which object).
    - A name whose manifest exists is refused with one line giving its date
      and the way out (`--overwrite`, or another name) unless `overwrite`; with
      it the claim records the replaced manifest's sha256 (`replaces`).
    - Publishing writes the manifest, then releases the claim; a failed run
      releases it too, so only a killed process leaves one behind.
    """

    def __init__(self, store: ArtifactStore) -> None:
        self._store = store
        self._host = socket.gethostname()

    def claim(self, prefix: str, *, what: str, overwrite: bool) -> NameClaim:
        prefix = as_dir_prefix(join_key(prefix))
        lock_key = join_key(LOCKS, prefix.rstrip("/") + ".json")
        self._lock(lock_key, what)
        try:
            replaces = self._published(prefix, what, overwrite)
        except BaseException:
            self._store.delete(lock_key)
            raise
        return NameClaim(prefix=prefix, what=what, lock_key=lock_key, replaces=replaces)

    def release(self, claim: NameClaim) -> None:
        self._store.delete(claim.lock_key)

    @contextmanager
    def held(self, prefix: str, *, what: str, overwrite: bool) -> Iterator[NameClaim]:
        """The claim for the duration of the block; released after it, even when it fails.

        When the block failed (a storage outage, say) and the release fails too, the block's error is the
        one raised; the claim left behind is taken over by the next run on this host.
        """
        claim = self.claim(prefix, what=what, overwrite=overwrite)
        try:
            yield claim
        except BaseException:
            with contextlib.suppress(Exception):
                self.release(claim)
            raise
        self.release(claim)

    def _lock(self, lock_key: str, what: str) -> None:
        payload = json.dumps(
            {"host": self._host, "pid": os.getpid(), "since": datetime.now(UTC).isoformat(timespec="seconds")}
        ).encode()
        if self._store.create(lock_key, payload):
            return
        holder = self._holder(lock_key)
        if holder.get("host") == self._host and not _alive(holder.get("pid")):
            self._store.delete(lock_key)  # its writer died: take it over (one of several takers wins)
            if self._store.create(lock_key, payload):
                return
            holder = self._holder(lock_key)
        raise InputError(
            f"{what} is being written by another run (host {holder.get('host', '?')}, pid "
            f"{holder.get('pid', '?')}, since {holder.get('since', '?')}): wait for it or choose another "
            f"--name; if that run is gone, delete the claim {lock_key!r} from the store"
        )

    def _holder(self, lock_key: str) -> dict[str, object]:
        try:
            holder = json.loads(self._store.get(lock_key))
        except (ArtifactNotFoundError, ValueError):
            return {}
        return holder if isinstance(holder, dict) else {}

    def _published(self, prefix: str, what: str, overwrite: bool) -> str | None:
        try:
            raw = self._store.get(prefix + MANIFEST_NAME)
        except ArtifactNotFoundError:
            return None
        try:
            manifest: Manifest | None = Manifest.from_json(raw, where=prefix + MANIFEST_NAME)
        except IntegrityError:
            manifest = None
        if not overwrite:
            created = manifest.created_at if manifest is not None else "unknown date"
            raise InputError(
                f"{what} already exists (published {created}): add --overwrite to replace it, "
                "or choose another --name"
            )
        return manifest.digest() if manifest is not None else hashlib.sha256(raw).hexdigest()


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return True  # unknown: assume a live writer
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
