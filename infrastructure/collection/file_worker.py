"""Builds the per-process file worker of the collect step from the real adapters."""

from __future__ import annotations

import functools
from collections.abc import Callable

from codemill.application.collection.file_processor import CollectOptions, FileProcessor, FileResult
from codemill.domain.ports.deduplicator import Deduplicator
from codemill.domain.sources import RawFile

FileWorker = Callable[[RawFile], FileResult]


def build_file_worker(
    options: CollectOptions, dedup_factory: Callable[[], Deduplicator] | None
) -> FileWorker:
    """Runs once in each worker process: parsers and analyzers are created and cached there."""
    from codemill.infrastructure.analysis.bandit_scanner import BanditSecurityScanner
    from codemill.infrastructure.analysis.composite_quality import CompositeQualityAnalyzer
    from codemill.infrastructure.analysis.lizard_quality import LizardQualityAnalyzer
    from codemill.infrastructure.analysis.radon_quality import RadonQualityAnalyzer
    from codemill.infrastructure.parsing.tree_sitter_code_parser import TreeSitterCodeParser

    redactor = None
    if options.redact:
        from codemill.infrastructure.analysis.secret_redactor import SecretRedactor

        redactor = SecretRedactor()
    processor = FileProcessor(
        parser=TreeSitterCodeParser(timeout_ms=options.parse_timeout_ms),
        quality=CompositeQualityAnalyzer([RadonQualityAnalyzer(), LizardQualityAnalyzer()]),
        security=BanditSecurityScanner() if options.security else None,
        redactor=redactor,
        options=options,
        fingerprint=dedup_factory().fingerprint if dedup_factory is not None else None,
    )
    return processor.process


def file_worker_factory(
    options: CollectOptions, dedup_factory: Callable[[], Deduplicator] | None
) -> Callable[[], FileWorker]:
    """A picklable zero-argument factory, so worker processes can build their own worker.

    `dedup_factory` must be picklable too: workers use it to compute near-dedup
    fingerprints, so the main process only queries the index.
    """
    return functools.partial(build_file_worker, options, dedup_factory)
