"""Builds the per-process shard worker of the collect step from the real adapters."""

from __future__ import annotations

import functools
from collections.abc import Callable

from codemill.application.collection.file_processor import CollectOptions, FileProcessor
from codemill.application.collection.shard_staging import ShardStaging
from codemill.application.collection.shard_worker import ShardWorker
from codemill.application.collection.shards import FileShard, ShardOutcome
from codemill.domain.ports.deduplicator import Deduplicator
from codemill.infrastructure.gc_pause import gc_paused

ShardRunner = Callable[[FileShard], ShardOutcome]


def build_file_processor(
    options: CollectOptions, dedup_factory: Callable[[], Deduplicator] | None
) -> FileProcessor:
    """Runs once in each worker process: parsers and analyzers are created and cached there."""
    from codemill.infrastructure.analysis.bandit_scanner import BanditSecurityScanner
    from codemill.infrastructure.analysis.quality_analyzers import quality_analyzer
    from codemill.infrastructure.parsing.tree_sitter_code_parser import TreeSitterCodeParser

    redactor = None
    if options.redact:
        from codemill.infrastructure.analysis.secret_redactor import SecretRedactor

        redactor = SecretRedactor()
    return FileProcessor(
        parser=TreeSitterCodeParser(timeout_ms=options.parse_timeout_ms),
        quality=quality_analyzer(options.metrics),
        security=BanditSecurityScanner() if options.security else None,
        redactor=redactor,
        options=options,
        fingerprints=dedup_factory().fingerprints if dedup_factory is not None else None,
    )


def build_shard_worker(
    options: CollectOptions,
    dedup_factory: Callable[[], Deduplicator] | None,
    staging: ShardStaging,
    resume: bool,
) -> ShardRunner:
    worker = ShardWorker(
        processor=build_file_processor(options, dedup_factory), staging=staging, resume=resume
    )

    def run(shard: FileShard) -> ShardOutcome:
        with gc_paused():  # a shard's garbage is bounded; it is collected once the shard is done
            return worker.run(shard)

    return run


def shard_worker_factory(
    options: CollectOptions,
    dedup_factory: Callable[[], Deduplicator] | None,
    staging: ShardStaging,
    resume: bool,
) -> Callable[[], ShardRunner]:
    """A picklable zero-argument factory, so worker processes (or Ray workers) build their own worker.

    `dedup_factory` and `staging` must be picklable too: workers compute
    near-dedup fingerprints and stage their shards' records themselves.
    """
    return functools.partial(build_shard_worker, options, dedup_factory, staging, resume)
