"""Port: where corpora are written and read back."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from codemill.domain.corpus import Rejection, UnitRecord
from codemill.domain.manifest import Manifest, ManifestEntry


class CorpusSink(Protocol):
    """An open, unpublished corpus being written.

    Contract: records are buffered and flushed as shards (memory stays
    bounded); rejected units go to `rejected/` with their reason; nothing is
    visible as a corpus until `publish` writes the manifest, last; `abort`
    leaves the corpus unpublished.
    """

    def add(self, record: UnitRecord) -> None: ...

    def reject(self, record: UnitRecord, rejection: Rejection) -> None: ...

    def adopt(self, entries: Sequence[ManifestEntry], *, units: int, rejected: Mapping[str, int]) -> None:
        """Lists shards written under the corpus by someone else (a collection worker) in its manifest.

        `units` kept and `rejected` (by reason) are the counts those shards hold.
        """
        ...

    def publish(
        self,
        stats: Mapping[str, Any],
        *,
        extra_artifacts: Mapping[str, bytes] | None = None,
        config_hash: str = "",
        tool_versions: Mapping[str, str] | None = None,
        lineage: Mapping[str, str] | None = None,
    ) -> Manifest:
        """Writes stats and extra artifacts, then the manifest (with `lineage` in its metadata), last."""
        ...

    def abort(self) -> None: ...


class CorpusRepository(Protocol):
    """Corpora by name under `corpora/NAME/`.

    Contract: `create` unpublishes an existing corpus of that name first;
    readers only see published corpora and raise ArtifactNotFoundError for
    anything else.
    """

    def create(self, name: str) -> CorpusSink: ...

    def names(self) -> list[str]: ...

    def manifest(self, name: str) -> Manifest: ...

    def stats(self, name: str) -> dict[str, Any]: ...

    def iter_records(self, name: str, *, rejected: bool = False) -> Iterator[UnitRecord]: ...

    def read_artifact(self, name: str, path: str) -> bytes: ...
