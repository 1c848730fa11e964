"""CollectData: from code sources to a clean, deduplicated corpus of code units."""

from __future__ import annotations

import dataclasses
import functools
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codemill.application.collection.file_processor import CollectOptions
from codemill.application.collection.shard_staging import ShardStaging
from codemill.application.collection.shards import (
    SHARD_FILES,
    FileShard,
    ShardDecisions,
    ShardOutcome,
    UnitDecision,
    UnitKey,
    plan_shards,
)
from codemill.application.collection.stats import CollectStats
from codemill.application.collection.summary import CollectSummary, SourceRecord
from codemill.application.publishing.hashing import config_hash
from codemill.application.publishing.name_claims import NameClaim, NameClaims
from codemill.domain.code import Language
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
CORPORA = "corpora"
LOCAL_EXECUTOR = "local"
METRICS = ("full", "fast")  # fast: no maintainability index or Halstead volume for Python

DedupFactory = Callable[[], Deduplicator]
ShardRunner = Callable[[FileShard], ShardOutcome]
WorkerFactory = Callable[[CollectOptions, DedupFactory | None, ShardStaging, bool], Callable[[], ShardRunner]]
ExecutorFactory = Callable[[str | None], ParallelExecutor]  # the executor's address (None: local)


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
    metrics: str | None = None  # 'full' or 'fast' (see METRICS); None: the configured default
    overwrite: bool = False  # replace a published corpus of this name (its manifest is recorded as replaced)
    resume: bool = False  # reuse the shards an interrupted collection of this name completed
    executor: str | None = None  # 'local' or 'ray'; None: the configured default
    executor_address: str | None = None  # where the executor's cluster is (ray: ADDRESS); None: start one


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
    - Files go to workers in shards; each worker stages its shard's records
      itself and returns small keys (ids, fingerprints, counts), never code,
      so the driver's memory does not grow with the code it collects. The
      driver decides duplicates in input order, so the corpus is the same
      whatever the executor and the number of workers.
    - A corpus is published only when its manifest is written, last; an
      interrupted or failed run leaves no manifest behind. With `resume`,
      shards completed by an interrupted run of the same name and inputs are
      not processed again; without it a run starts from a clean staging area.
    - Sources are resolved (cloned, opened) and the executor is chosen before
      anything is written, so a bad source or executor fails without touching
      storage.
    - The name is claimed first: a published corpus of that name is never
      replaced without `overwrite` (the replaced manifest's sha256 is then
      recorded as `replaces`), and a second collection of the same name at
      the same time fails in one line without writing anything.
    """

    def __init__(
        self,
        *,
        sources: SourceResolver,
        worker_factory: WorkerFactory,
        executors: Mapping[str, ExecutorFactory],
        staging_for: Callable[[str], ShardStaging],
        dedup_factory: DedupFactory,
        corpora: CorpusRepository,
        options: CollectOptions,
        progress: ProgressReporter | None = None,
        tool_versions: Mapping[str, str] | None = None,
        default_workers: int = 1,
        default_executor: str = LOCAL_EXECUTOR,
        shard_files: int = SHARD_FILES,
        claims: NameClaims,
    ) -> None:
        self._resolver = sources
        self._worker_factory = worker_factory
        self._executors = dict(executors)
        self._staging_for = staging_for
        self._dedup_factory = dedup_factory
        self._corpora = corpora
        self._options = options
        self._progress = progress or NullProgress()
        self._tool_versions = dict(tool_versions or {})
        self._default_workers = max(1, default_workers)
        self._default_executor = default_executor
        self._shard_files = max(1, shard_files)
        self._claims = claims

    def execute(self, request: CollectRequest) -> CollectResult:
        request = dataclasses.replace(
            request,
            workers=request.workers or self._default_workers,
            executor=request.executor or self._default_executor,
        )
        _validate(request, self._executors)
        options = self._options_for(request)
        dedup = self._deduplicator(request)
        executor = self._executors[request.executor or LOCAL_EXECUTOR](request.executor_address)
        opened = self._open_sources(request)
        what = f"corpus '{request.name}'"
        try:
            with self._claims.held(
                f"{CORPORA}/{request.name}", what=what, overwrite=request.overwrite
            ) as claim:
                return self._collect(request, options, dedup, executor, opened, claim)
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
            metrics=request.metrics or self._options.metrics,
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
        executor: ParallelExecutor,
        sources: list[CodeSource],
        claim: NameClaim,
    ) -> CollectResult:
        stats = CollectStats(sources=[SourceRecord(source=s.description, commit=s.commit) for s in sources])
        started = time.perf_counter()
        workers = request.workers or 1
        staging = self._staging_for(request.name)
        if not request.resume:
            staging.clear()
        sink = self._corpora.create(request.name)
        bar = self._progress.bar("collect", unit="file")
        try:
            make_worker = self._worker_factory(
                options, self._dedup_factory if dedup is not None else None, staging, request.resume
            )
            files = _files(sources, stats, bar)
            shards = plan_shards(files, salt=_hashed(request, options), max_files=self._shard_files)
            decided = []
            for outcome in executor.map_ordered(make_worker, shards, workers=workers):
                decided.append(_decide_shard(outcome, dedup, stats))
                bar.advance(len(outcome.files), units=stats.kept, mb=round(stats.bytes_seen / 1e6, 1))
            publish = functools.partial(getattr, staging, "publish")
            written = executor.map_ordered(publish, decided, workers=workers)
            for entries, shard in zip(written, decided, strict=True):
                sink.adopt(entries, **_shard_counts(shard))
            summary = stats.summary(seconds=time.perf_counter() - started, workers=workers)
            manifest = self._publish(request, options, dedup, sink, summary, claim.lineage())
        except BaseException:
            sink.abort()
            raise
        finally:
            bar.close()
            executor.close()  # worker processes are not kept past the collection
        staging.clear()
        return CollectResult(name=request.name, manifest=manifest, stats=summary)

    def _publish(
        self,
        request: CollectRequest,
        options: CollectOptions,
        dedup: Deduplicator | None,
        sink: CorpusSink,
        summary: CollectSummary,
        lineage: Mapping[str, str],
    ) -> Manifest:
        extra = {LSH_INDEX: dedup.export_index()} if dedup is not None else {}
        return sink.publish(
            summary.to_dict(),
            extra_artifacts=extra,
            config_hash=_hashed(request, options),
            tool_versions=self._tool_versions,
            lineage=lineage,
        )


def _validate(request: CollectRequest, executors: Mapping[str, ExecutorFactory]) -> None:
    if not request.sources:
        raise InputError("give at least one source: a folder, a git URL, an archive or s3://bucket/prefix")
    check_name(request.name, what="corpus")
    if request.workers is not None and request.workers < 1:
        raise InputError(f"workers must be at least 1, got {request.workers}")
    if request.metrics is not None and request.metrics not in METRICS:
        raise InputError(f"unknown metrics {request.metrics!r}: choose among {', '.join(METRICS)}")
    if request.executor not in executors:
        choices = ", ".join(sorted(executors))
        raise InputError(f"unknown executor {request.executor!r}: choose among {choices}")
    if request.executor_address and request.executor == LOCAL_EXECUTOR:
        raise InputError("an executor address needs a cluster executor (--executor ray), not 'local'")


def _hashed(request: CollectRequest, options: CollectOptions) -> str:
    """The configuration that decides the corpus: how it is run (workers, executor, resume) is left out."""
    how = dataclasses.replace(
        request, workers=0, resume=False, overwrite=False, executor=None, executor_address=None
    )
    return config_hash(how, options)


def _files(sources: list[CodeSource], stats: CollectStats, bar: ProgressBar) -> Iterator[RawFile]:
    for source in sources:
        for item in source.iter_files():
            if isinstance(item, SkippedFile):
                stats.skip(item.reason)
                bar.advance(1)
            else:
                yield item


def _decide_shard(outcome: ShardOutcome, dedup: Deduplicator | None, stats: CollectStats) -> ShardDecisions:
    for result, count in zip(outcome.files, outcome.unit_counts, strict=True):
        stats.add_file(result, units=count)
    decisions = tuple(_decide(unit, dedup, stats) for unit in outcome.units)
    return ShardDecisions(index=outcome.index, key=outcome.key, decisions=decisions)


def _decide(unit: UnitKey, dedup: Deduplicator | None, stats: CollectStats) -> UnitDecision:
    stats.add_extracted(unit.redactions)
    if unit.rejections:
        reason = unit.rejections[0]
        stats.filters[reason] += 1
        return UnitDecision(cluster_id="", reason=reason, detail=",".join(unit.rejections))
    cluster_id = unit.id
    if dedup is not None:
        verdict = dedup.check_fingerprint(unit.id, unit.fingerprint)
        cluster_id = verdict.cluster_id
        if not verdict.kept:
            reason = verdict.reason or "duplicate"
            stats.dedup[reason] += 1
            return UnitDecision(cluster_id=cluster_id, reason=reason, duplicate_of=verdict.duplicate_of)
    stats.add_kept(unit.findings)
    return UnitDecision(cluster_id=cluster_id)


def _shard_counts(shard: ShardDecisions) -> dict[str, Any]:
    reasons = Counter(decision.reason for decision in shard.decisions if decision.reason is not None)
    return {"units": len(shard.decisions) - sum(reasons.values()), "rejected": dict(reasons)}
