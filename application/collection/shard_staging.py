"""Port: where the workers of one collection leave their shards until the corpus is published."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from codemill.application.collection.shards import ShardDecisions, ShardOutcome
from codemill.domain.corpus import UnitRecord
from codemill.domain.manifest import ManifestEntry


class ShardStaging(Protocol):
    """The staging area of one corpus name; picklable, so workers on other machines can use it.

    Contract: `write` stores a shard's records (all of them, in order);
    `complete` writes its completion record, after `write`, so `completed`
    returns an outcome only for a shard whose records are all there (and
    None for a key it does not hold, or an unreadable record). `publish`
    turns a staged shard and the driver's decisions into the corpus's
    `data/` and `rejected/` shards, written straight to the corpus prefix,
    and returns their manifest entries (paths relative to the corpus).
    `clear` deletes everything staged under the name. Nothing staged is
    ever listed as a corpus.
    """

    def write(self, index: int, key: str, records: Sequence[UnitRecord]) -> None: ...

    def complete(self, outcome: ShardOutcome) -> None: ...

    def completed(self, index: int, key: str) -> ShardOutcome | None: ...

    def publish(self, decisions: ShardDecisions) -> tuple[ManifestEntry, ...]: ...

    def clear(self) -> None: ...
