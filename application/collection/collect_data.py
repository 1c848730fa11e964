"""CollectData: from code sources to a clean, deduplicated corpus of code units."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from codemill.application.collection.file_processor import CollectOptions, FileResult, UnitCandidate
from codemill.application.collection.stats import CollectStats
from codemill.application.collection.summary import CollectSummary, SourceRecord
from codemill.application.publishing.hashing import config_hash
from codemill.domain.code import Language
from codemill.domain.corpus import Rejection
from codemill.domain.errors import InputError
from codemill.domain.manifest import Manifest
from codemill.domain.names import check_name
from codemill.domain.ports.code_source import CodeSource, SourceResolver
from codemill.domain.ports.corpus_repository import CorpusRepository, CorpusSink
from codemill.domain.ports.deduplicator import Deduplicator
from codemill.domain.ports.parallel_executor import ParallelExecutor
from codemill.domain.ports.progress import NullProgress, ProgressBar, ProgressReporter
from codemill.domain.sources import RawFile, SkippedFile

LSH_INDEX = "lsh_index.npz"

FileWorker = Callable[[RawFile], FileResult]
DedupFactory = Callable[[], Deduplicator]
WorkerFactory = Callable[[CollectOptions, DedupFactory | None], Callable[[], FileWorker]]


@dataclass(frozen=True, kw_only=True)
class CollectRequest:
    sources: Sequence[str]
    name: str
    ref: str | None = None
    languages: frozenset[Language] | None = None
    workers: int | None = None  # None: the configured default
    apply_filters: bool = True
    dedup: bool = True
    security: bool = True
    exclude_tests: bool = False
    dedup_against: str | None = None


@dataclass(frozen=True, kw_only=True)
class CollectResult:
    name: str
    manifest: Manifest
    stats: CollectSummary


class CollectData:
    """Turn code sources into a corpus of code units.

    - Every file is either parsed or counted under a skip reason; every
      extracted unit is either kept or written to `rejected/` with its reason.
    - Secrets and personal data are replaced before anything is stored.
    - Exact and near duplicates keep one representative; each unit records
      its cluster id so later splits keep clusters together.
    - A corpus is published only when its manifest is written, last; an
      interrupted or failed run leaves no manifest behind.
    - Sources are resolved (cloned, opened) before anything is written, so a
      bad source fails without touching storage.
    """

    def __init__(
        self,
        *,
        sources: SourceResolver,
        worker_factory: WorkerFactory,
        executor: ParallelExecutor,
        dedup_factory: DedupFactory,
        corpora: CorpusRepository,
        options: CollectOptions,
        progress: ProgressReporter | None = None,
        tool_versions: Mapping[str, str] | None = None,
        default_workers: int = 1,
    ) -> None:
        self._resolver = sources
        self._worker_factory = worker_factory
        self._executor = executor
        self._dedup_factory = dedup_factory
        self._corpora = corpora
        self._options = options
        self._progress = progress or NullProgress()
        self._tool_versions = dict(tool_versions or {})
        self._default_workers = max(1, default_workers)

    def execute(self, request: CollectRequest) -> CollectResult:
        _validate(request)
        request = dataclasses.replace(request, workers=request.workers or self._default_workers)
        options = self._options_for(request)
        dedup = self._deduplicator(request)
        opened = self._open_sources(request)
        try:
            return self._collect(request, options, dedup, opened)
        finally:
            for source in opened:
                source.close()

    def _options_for(self, request: CollectRequest) -> CollectOptions:
        filters = dataclasses.replace(self._options.filters, exclude_tests=request.exclude_tests)
        return dataclasses.replace(
            self._options,
            filters=filters,
            languages=request.languages,
            apply_filters=request.apply_filters,
            security=request.security,
        )

    def _deduplicator(self, request: CollectRequest) -> Deduplicator | None:
        if not request.dedup:
            return None
        dedup = self._dedup_factory()
        if request.dedup_against:
            dedup.load_index(self._corpora.read_artifact(request.dedup_against, LSH_INDEX))
        return dedup

    def _open_sources(self, request: CollectRequest) -> list[CodeSource]:
        opened: list[CodeSource] = []
        try:
            for spec in request.sources:
                opened.append(self._resolver.resolve(spec, ref=request.ref))
        except BaseException:
            for source in opened:
                source.close()
            raise
        return opened

    def _collect(
        self,
        request: CollectRequest,
        options: CollectOptions,
        dedup: Deduplicator | None,
        sources: list[CodeSource],
    ) -> CollectResult:
        stats = CollectStats(sources=[SourceRecord(source=s.description, commit=s.commit) for s in sources])
        started = time.perf_counter()
        sink = self._corpora.create(request.name)
        bar = self._progress.bar("collect", unit="file")
        try:
            results = self._executor.map_ordered(
                self._worker_factory(options, self._dedup_factory if dedup is not None else None),
                _files(sources, stats, bar),
                workers=request.workers or 1,
            )
            for result in results:
                stats.add_file(result)
                for candidate in result.candidates:
                    _decide(candidate, sink, dedup, stats)
                bar.advance(1, units=stats.kept, mb=round(stats.bytes_seen / 1e6, 1))
            summary = stats.summary(seconds=time.perf_counter() - started, workers=request.workers or 1)
            manifest = self._publish(request, options, dedup, sink, summary)
        except BaseException:
            sink.abort()
            raise
        finally:
            bar.close()
        return CollectResult(name=request.name, manifest=manifest, stats=summary)

    def _publish(
        self,
        request: CollectRequest,
        options: CollectOptions,
        dedup: Deduplicator | None,
        sink: CorpusSink,
        summary: CollectSummary,
    ) -> Manifest:
        extra = {LSH_INDEX: dedup.export_index()} if dedup is not None else {}
        return sink.publish(
            summary.to_dict(),
            extra_artifacts=extra,
            config_hash=config_hash(dataclasses.replace(request, workers=0), options),
            tool_versions=self._tool_versions,
        )


def _validate(request: CollectRequest) -> None:
    if not request.sources:
        raise InputError("give at least one source: a folder, a git URL, an archive or s3://bucket/prefix")
    check_name(request.name, what="corpus")
    if request.workers is not None and request.workers < 1:
        raise InputError(f"workers must be at least 1, got {request.workers}")


def _files(sources: list[CodeSource], stats: CollectStats, bar: ProgressBar) -> Iterator[RawFile]:
    for source in sources:
        for item in source.iter_files():
            if isinstance(item, SkippedFile):
                stats.skip(item.reason)
                bar.advance(1)
            else:
                yield item


def _decide(
    candidate: UnitCandidate, sink: CorpusSink, dedup: Deduplicator | None, stats: CollectStats
) -> None:
    record = candidate.record
    stats.add_extracted(record)
    if candidate.rejections:
        reason = candidate.rejections[0]
        stats.filters[reason] += 1
        sink.reject(record, Rejection(reason=reason, detail=",".join(candidate.rejections)))
        return
    if dedup is None:
        record = dataclasses.replace(record, cluster_id=record.unit.id)
    else:
        verdict = dedup.check(record.unit, candidate.fingerprint)
        record = dataclasses.replace(record, cluster_id=verdict.cluster_id)
        if not verdict.kept:
            reason = verdict.reason or "duplicate"
            stats.dedup[reason] += 1
            sink.reject(record, Rejection(reason=reason, duplicate_of=verdict.duplicate_of))
            return
    stats.add_kept(record)
    sink.add(record)
