"""Port: checkpoints of a run, on the local disk."""

from __future__ import annotations

from typing import Protocol

from codemill.domain.training import CheckpointInfo


class CheckpointManager(Protocol):
    """Finds, verifies and prunes the checkpoints under a run's `checkpoints/` folder.

    Contract: `scan` lists every checkpoint that has a metadata record, by step;
    `verify` recomputes the sha256 of each listed file and returns the problems
    (missing, changed, or pickle-based weights), empty when intact;
    `latest_valid` is the newest checkpoint that verifies (corrupted newer ones
    are skipped and named in `skipped`); `prune` deletes every checkpoint whose
    step is not in `keep` and returns the deleted steps.
    """

    def scan(self, folder: str) -> list[CheckpointInfo]: ...

    def verify(self, checkpoint: CheckpointInfo) -> list[str]: ...

    def latest_valid(self, folder: str) -> tuple[CheckpointInfo | None, list[str]]: ...

    def prune(self, folder: str, keep: set[int]) -> list[int]: ...
