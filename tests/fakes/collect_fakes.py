"""Hand-written fakes of the collect step's ports."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, final

from codemill.application.collection.shard_staging import ShardStaging
from codemill.application.collection.shards import ShardDecisions, ShardOutcome
from codemill.domain.code import CodeUnit, Language, ParseOutcome, SourceFile, UnitKind
from codemill.domain.corpus import QualityMetrics, Rejection, SecurityFinding, UnitRecord
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.manifest import Manifest, ManifestEntry
from codemill.domain.ports.code_parser import CodeParser
from codemill.domain.ports.code_source import CodeSource, SourceResolver
from codemill.domain.ports.corpus_repository import CorpusSink
from codemill.domain.ports.deduplicator import Deduplicator, DedupVerdict
from codemill.domain.ports.parallel_executor import ParallelExecutor
from codemill.domain.ports.unit_analyzers import QualityAnalyzer, Redactor, SecurityScanner
from codemill.domain.sources import RawFile, SkippedFile
from tests.fakes.unsupported import UnsupportedCorpora

T = TypeVar("T")
R = TypeVar("R")


class FakeSource(CodeSource):
    def __init__(self, description: str, items: Sequence[RawFile | SkippedFile], commit: str = "") -> None:
        self.description = description
        self.commit = commit
        self.items = list(items)
        self.closed = False

    def iter_files(self) -> Iterator[RawFile | SkippedFile]:
        return iter(self.items)

    def close(self) -> None:
        self.closed = True


@final
class FakeResolver(SourceResolver):
    def __init__(self, sources: Mapping[str, FakeSource]) -> None:
        self.sources = dict(sources)

    def resolve(self, spec: str, *, ref: str | None = None) -> FakeSource:
        if spec not in self.sources:
            raise InputError(f"source {spec!r} does not exist")
        return self.sources[spec]


@final
class InlineExecutor(ParallelExecutor):
    def map_ordered(
        self, make_worker: Callable[[], Callable[[T], R]], items: Iterable[T], *, workers: int
    ) -> Iterator[R]:
        worker = make_worker()
        return (worker(item) for item in items)

    def close(self) -> None:
        pass


_DEF = re.compile(r"^def (\w+)\(.*?(?=^def |\Z)", re.S | re.M)


@final
class RegexPythonParser(CodeParser):
    """Top-level `def`s only: enough to drive the use case."""

    def supports(self, language: Language) -> bool:
        return language is Language.PYTHON

    def extract(self, file: SourceFile) -> ParseOutcome:
        units: list[CodeUnit] = []
        for match in _DEF.finditer(file.text):
            code = match.group(0).rstrip()
            start = file.text[: match.start()].count("\n") + 1
            normalized = " ".join(code.split())
            units.append(
                CodeUnit(
                    id=hashlib.sha256(normalized.encode()).hexdigest()[:32],
                    source=file.source,
                    commit=file.commit,
                    path=file.path,
                    language=file.language,
                    kind=UnitKind.FUNCTION,
                    name=match.group(1),
                    qualified_name=match.group(1),
                    signature=code.splitlines()[0],
                    docstring=None,
                    code=code,
                    code_without_docstring=code,
                    start_line=start,
                    end_line=start + code.count("\n"),
                    start_byte=match.start(),
                    end_byte=match.start() + len(code),
                    has_error=False,
                )
            )
        return ParseOutcome(units=tuple(units), parse_ms=0.1)


@final
class LineCountQuality(QualityAnalyzer):
    def supports(self, language: Language) -> bool:
        return True

    def measure(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[QualityMetrics]:
        return [QualityMetrics(loc=u.end_line - u.start_line + 1) for u in units]


@final
class EvalScanner(SecurityScanner):
    def supports(self, language: Language) -> bool:
        return True

    def scan(self, file: SourceFile, units: Sequence[CodeUnit]) -> list[tuple[SecurityFinding, ...]]:
        finding = SecurityFinding(
            test_id="B307",
            test_name="eval",
            cwe=78,
            severity="MEDIUM",
            confidence="HIGH",
            line=1,
            message="eval",
        )
        return [(finding,) if "eval(" in u.code else () for u in units]


@final
class EmailRedactor(Redactor):
    _EMAIL = re.compile(r"[\w.]+@[\w.]+\.\w+")

    def redact(self, text: str) -> tuple[str, dict[str, int]]:
        cleaned, n = self._EMAIL.subn("<EMAIL>", text)
        return cleaned, ({"<EMAIL>": n} if n else {})


@final
class ExactDedup(Deduplicator):
    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def fingerprint(self, unit: CodeUnit) -> bytes:
        return unit.id.encode()

    def fingerprints(self, units: Sequence[CodeUnit]) -> list[bytes]:
        return [self.fingerprint(unit) for unit in units]

    def check(self, unit: CodeUnit, fingerprint: bytes | None = None) -> DedupVerdict:
        assert fingerprint in (None, unit.id.encode())
        if unit.id in self.seen:
            return DedupVerdict(cluster_id=self.seen[unit.id], duplicate_of=unit.id, reason="exact_duplicate")
        self.seen[unit.id] = unit.id
        return DedupVerdict(cluster_id=unit.id)

    def check_fingerprint(self, unit_id: str, fingerprint: bytes | None) -> DedupVerdict:
        assert fingerprint in (None, unit_id.encode())
        if unit_id in self.seen:
            return DedupVerdict(cluster_id=self.seen[unit_id], duplicate_of=unit_id, reason="exact_duplicate")
        self.seen[unit_id] = unit_id
        return DedupVerdict(cluster_id=unit_id)

    def export_index(self) -> bytes:
        return json.dumps(sorted(self.seen)).encode()

    def load_index(self, data: bytes) -> None:
        self.seen.update({i: i for i in json.loads(data)})


@final
class MemoryCorpusSink(CorpusSink):
    def __init__(self, repo: MemoryCorpusRepository, name: str) -> None:
        self.repo, self.name = repo, name
        self.kept: list[UnitRecord] = []
        self.rejected: list[tuple[UnitRecord, Rejection]] = []
        self.adopted: list[ManifestEntry] = []
        self.aborted = False

    def add(self, record: UnitRecord) -> None:
        self.kept.append(record)

    def reject(self, record: UnitRecord, rejection: Rejection) -> None:
        self.rejected.append((record, rejection))

    def adopt(self, entries: Sequence[ManifestEntry], *, units: int, rejected: Mapping[str, int]) -> None:
        self.adopted.extend(entries)

    def publish(
        self,
        stats: Mapping[str, Any],
        *,
        extra_artifacts: Mapping[str, bytes] | None = None,
        config_hash: str = "",
        tool_versions: Mapping[str, str] | None = None,
        lineage: Mapping[str, str] | None = None,
    ) -> Manifest:
        extra = dict(extra_artifacts or {})
        manifest = Manifest(
            kind="corpus",
            entries=tuple(ManifestEntry(p, "0" * 64, len(b)) for p, b in extra.items()),
            created_at="now",
            config_hash=config_hash,
            metadata=dict(lineage or {}),
        )
        self.repo.published[self.name] = (self, dict(stats), extra, manifest)
        return manifest

    def abort(self) -> None:
        self.aborted = True


@final
class MemoryShardStaging(ShardStaging):
    """Staged records and outcomes in memory; `publish` files records as kept or rejected."""

    def __init__(self) -> None:
        self.records: dict[tuple[int, str], list[UnitRecord]] = {}
        self.outcomes: dict[tuple[int, str], ShardOutcome] = {}
        self.kept: list[UnitRecord] = []
        self.rejected: list[tuple[UnitRecord, Rejection]] = []
        self.processed: list[int] = []  # shard indexes written, in order
        self.clears = 0

    def write(self, index: int, key: str, records: Sequence[UnitRecord]) -> None:
        self.records[(index, key)] = list(records)
        self.processed.append(index)

    def complete(self, outcome: ShardOutcome) -> None:
        self.outcomes[(outcome.index, outcome.key)] = outcome

    def completed(self, index: int, key: str) -> ShardOutcome | None:
        return self.outcomes.get((index, key))

    def publish(self, decisions: ShardDecisions) -> tuple[ManifestEntry, ...]:
        records = self.records[(decisions.index, decisions.key)]
        for record, decision in zip(records, decisions.decisions, strict=True):
            filed = dataclasses.replace(record, cluster_id=decision.cluster_id)
            if decision.reason is None:
                self.kept.append(filed)
            else:
                rejection = Rejection(
                    reason=decision.reason, duplicate_of=decision.duplicate_of, detail=decision.detail
                )
                self.rejected.append((filed, rejection))
        return (ManifestEntry(f"data/shard-{decisions.index:05d}.parquet", "0" * 64, len(records)),)

    def clear(self) -> None:
        self.records.clear()
        self.outcomes.clear()
        self.clears += 1


@final
class MemoryCorpusRepository(UnsupportedCorpora):
    def __init__(self) -> None:
        self.published: dict[str, tuple[MemoryCorpusSink, dict[str, Any], dict[str, bytes], Manifest]] = {}
        self.sinks: list[MemoryCorpusSink] = []
        self.stagings: dict[str, MemoryShardStaging] = {}

    def staging(self, name: str) -> MemoryShardStaging:
        return self.stagings.setdefault(name, MemoryShardStaging())

    def create(self, name: str) -> MemoryCorpusSink:
        self.published.pop(name, None)
        sink = MemoryCorpusSink(self, name)
        self.sinks.append(sink)
        return sink

    def read_artifact(self, name: str, path: str) -> bytes:
        if name not in self.published:
            raise ArtifactNotFoundError(f"corpus {name!r} does not exist or was never completed")
        return self.published[name][2][path]


# FakeSource stays open to subclassing (a test makes one that fails mid-run), so it cannot be
# @final like the other fakes; mypy refuses an abstract class here, so it must still implement
# every member of CodeSource.
_FAKE_SOURCE_IS_COMPLETE: type[CodeSource] = FakeSource
