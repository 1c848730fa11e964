"""The work of one shard, in a worker process: process its files, stage its records, report small keys."""

from __future__ import annotations

import dataclasses

from codemill.application.collection.file_processor import FileProcessor
from codemill.application.collection.shard_staging import ShardStaging
from codemill.application.collection.shards import FileShard, ShardOutcome, UnitKey


class ShardWorker:
    """Processes a shard's files and stages their records; built once per worker process.

    - With `resume`, a shard whose completion record is staged under the same
      key is not processed again: its recorded outcome is returned.
    - The outcome carries file results without their units, and one UnitKey
      per unit (id, fingerprint, counts): the code stays in the staged shard.
    """

    def __init__(self, *, processor: FileProcessor, staging: ShardStaging, resume: bool) -> None:
        self._processor = processor
        self._staging = staging
        self._resume = resume

    def run(self, shard: FileShard) -> ShardOutcome:
        if self._resume:
            done = self._staging.completed(shard.index, shard.key)
            if done is not None:
                return done
        results = [self._processor.process(raw) for raw in shard.files]
        candidates = [candidate for result in results for candidate in result.candidates]
        self._staging.write(shard.index, shard.key, [candidate.record for candidate in candidates])
        outcome = ShardOutcome(
            index=shard.index,
            key=shard.key,
            files=tuple(dataclasses.replace(result, candidates=()) for result in results),
            unit_counts=tuple(len(result.candidates) for result in results),
            units=tuple(UnitKey.of(candidate) for candidate in candidates),
        )
        self._staging.complete(outcome)
        return outcome
