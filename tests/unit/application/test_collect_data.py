import pytest

from codemill.application.collection.collect_data import LSH_INDEX, CollectData, CollectRequest
from codemill.application.collection.file_processor import CollectOptions, FileProcessor
from codemill.application.collection.shard_worker import ShardWorker
from codemill.application.collection.summary import SourceRecord, UnitCounts
from codemill.application.publishing.name_claims import NameClaims
from codemill.domain.errors import InputError
from codemill.domain.sources import RawFile, SkippedFile
from tests.fakes.collect_fakes import (
    EmailRedactor,
    EvalScanner,
    ExactDedup,
    FakeResolver,
    FakeSource,
    InlineExecutor,
    LineCountQuality,
    MemoryCorpusRepository,
    RegexPythonParser,
)
from tests.fakes.memory_store import InMemoryArtifactStore

GOOD = "def add(a, b):\n    total = a + b\n    return total\n"
EVAL = "def run(text):\n    value = eval(text)\n    return value\n"
MAIL = "def owner():\n    contact = 'jane.doe@example.com'\n    return contact\n"
TINY = "def f(): pass\n"


def _worker_factory(options: CollectOptions, dedup_factory, staging, resume):
    def make():
        processor = FileProcessor(
            fingerprints=dedup_factory().fingerprints if dedup_factory else None,
            parser=RegexPythonParser(),
            quality=LineCountQuality(),
            security=EvalScanner(),
            redactor=EmailRedactor(),
            options=options,
        )
        return ShardWorker(processor=processor, staging=staging, resume=resume).run

    return make


def _use_case(
    repo: MemoryCorpusRepository, sources: dict[str, FakeSource], *, shard_files: int = 32
) -> CollectData:
    return CollectData(
        sources=FakeResolver(sources),
        worker_factory=_worker_factory,
        executors={"local": lambda address: InlineExecutor()},
        staging_for=repo.staging,
        dedup_factory=ExactDedup,
        corpora=repo,
        options=CollectOptions(),
        claims=NameClaims(InMemoryArtifactStore()),
        shard_files=shard_files,
    )


def _source() -> FakeSource:
    files = [
        RawFile(path="a.py", data=(GOOD + EVAL).encode(), source="repo"),
        RawFile(path="b.py", data=(GOOD + MAIL + TINY).encode(), source="repo"),
        RawFile(path="blob.bin", data=b"\x00\x01\x02", source="repo"),
        RawFile(path="notes.txt", data=b"hello", source="repo"),
        SkippedFile(path="huge.py", reason="too_large", source="repo"),
    ]
    return FakeSource("repo", files, commit="abc123")


def test_every_file_and_unit_is_accounted_for() -> None:
    repo = MemoryCorpusRepository()
    result = _use_case(repo, {"repo": _source()}).execute(CollectRequest(sources=["repo"], name="c1"))
    sink = repo.stagings["c1"]
    stats = result.stats
    assert (stats.files.seen, stats.files.parsed, stats.files.skipped) == (5, 2, 3)
    assert stats.skipped == {"binary": 1, "too_large": 1, "unsupported_language": 1}
    assert stats.units == UnitCounts(extracted=5, kept=3, rejected=2)
    assert stats.dedup.exact_duplicates == 1
    assert stats.filters == {"too_short": 1}
    assert {r.unit.name for r in sink.kept} == {"add", "run", "owner"}
    assert sorted(rej.reason for _, rej in sink.rejected) == ["exact_duplicate", "too_short"]
    duplicate = next(rej for _, rej in sink.rejected if rej.reason == "exact_duplicate")
    assert duplicate.duplicate_of == next(r.unit.id for r in sink.kept if r.unit.name == "add")
    assert stats.sources == (SourceRecord(source="repo", commit="abc123"),)
    assert LSH_INDEX in repo.published["c1"][2]
    assert repo.published["c1"][1] == stats.to_dict()  # what stats.json holds


def test_secrets_are_redacted_and_findings_attached() -> None:
    repo = MemoryCorpusRepository()
    result = _use_case(repo, {"repo": _source()}).execute(CollectRequest(sources=["repo"], name="c1"))
    kept = {r.unit.name: r for r in repo.stagings["c1"].kept}
    assert "jane.doe@example.com" not in kept["owner"].unit.code
    assert "<EMAIL>" in kept["owner"].unit.code
    assert kept["owner"].redactions == {"<EMAIL>": 1}
    assert result.stats.redactions == {"<EMAIL>": 1}
    assert [f.test_id for f in kept["run"].findings] == ["B307"]
    assert kept["add"].cluster_id == kept["add"].unit.id


def test_no_filter_and_no_dedup_keep_every_extracted_unit() -> None:
    repo = MemoryCorpusRepository()
    request = CollectRequest(sources=["repo"], name="all", apply_filters=False, dedup=False, security=False)
    result = _use_case(repo, {"repo": _source()}).execute(request)
    assert result.stats.units.kept == result.stats.units.extracted == 5
    assert all(not r.findings for r in repo.stagings["all"].kept)
    assert LSH_INDEX not in repo.published["all"][2]


def test_dedup_against_an_earlier_corpus() -> None:
    repo = MemoryCorpusRepository()
    first = FakeSource("one", [RawFile(path="a.py", data=GOOD.encode(), source="one")])
    second = FakeSource("two", [RawFile(path="b.py", data=(GOOD + EVAL).encode(), source="two")])
    use_case = _use_case(repo, {"one": first, "two": second})
    use_case.execute(CollectRequest(sources=["one"], name="base"))
    result = use_case.execute(CollectRequest(sources=["two"], name="more", dedup_against="base"))
    assert result.stats.units.kept == 1
    assert result.stats.dedup.exact_duplicates == 1


def test_a_bad_source_fails_before_anything_is_written() -> None:
    repo = MemoryCorpusRepository()
    good = _source()
    with pytest.raises(InputError, match="nope"):
        _use_case(repo, {"repo": good}).execute(CollectRequest(sources=["repo", "nope"], name="c"))
    assert repo.sinks == []
    assert good.closed


def test_a_failure_mid_run_aborts_without_publishing() -> None:
    class Exploding(FakeSource):
        def iter_files(self):
            yield RawFile(path="a.py", data=GOOD.encode(), source="x")
            raise OSError("disk gone")

    repo = MemoryCorpusRepository()
    with pytest.raises(OSError, match="disk gone"):
        _use_case(repo, {"x": Exploding("x", [])}).execute(CollectRequest(sources=["x"], name="c"))
    assert repo.sinks[-1].aborted
    assert "c" not in repo.published


@pytest.mark.parametrize("name", ["", "../x", "a/b", "x" * 101, "-lead"])
def test_invalid_names_are_refused(name: str) -> None:
    with pytest.raises(InputError):
        _use_case(MemoryCorpusRepository(), {}).execute(CollectRequest(sources=["repo"], name=name))


def _many_files_source(name: str, count: int) -> FakeSource:
    bodies = [f"def f{i}(a, b):\n    total = a + b * {i}\n    return total\n" for i in range(count)]
    return FakeSource(
        name, [RawFile(path=f"m{i}.py", data=body.encode(), source=name) for i, body in enumerate(bodies)]
    )


def test_resume_reuses_completed_shards_and_yields_the_same_corpus() -> None:
    class FailingOnce(FakeSource):
        failed = False

        def iter_files(self):
            if self.failed:
                yield from self.items
                return
            yield from self.items[:3]
            self.failed = True
            raise OSError("killed")

    repo = MemoryCorpusRepository()
    use_case = _use_case(repo, {"x": FailingOnce("x", _many_files_source("x", 6).items)}, shard_files=1)
    with pytest.raises(OSError, match="killed"):
        use_case.execute(CollectRequest(sources=["x"], name="c"))
    staging = repo.stagings["c"]
    assert staging.processed == [0, 1] and "c" not in repo.published  # the third file had no shard yet
    result = use_case.execute(CollectRequest(sources=["x"], name="c", resume=True))
    assert staging.processed == [0, 1, 2, 3, 4, 5]  # shards 0 and 1 were not processed again
    assert result.stats.units.kept == 6 and [r.unit.name for r in staging.kept] == [f"f{i}" for i in range(6)]
    assert staging.records == {}  # staging is cleared once the corpus is published


def test_without_resume_a_rerun_starts_from_a_clean_staging_area() -> None:
    repo = MemoryCorpusRepository()
    use_case = _use_case(repo, {"x": _many_files_source("x", 2)})
    use_case.execute(CollectRequest(sources=["x"], name="c"))
    clears = repo.stagings["c"].clears
    use_case.execute(CollectRequest(sources=["x"], name="c"))
    assert repo.stagings["c"].clears == clears + 2  # once before the run, once after publishing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"executor": "spark"}, "unknown executor 'spark'"),
        ({"executor": "local", "executor_address": "10.0.0.1:6379"}, "needs a cluster executor"),
        ({"metrics": "some"}, "unknown metrics 'some'"),
    ],
)
def test_bad_executor_and_metrics_are_refused_before_any_work(changes: dict, message: str) -> None:
    repo = MemoryCorpusRepository()
    with pytest.raises(InputError, match=message):
        _use_case(repo, {"repo": _source()}).execute(CollectRequest(sources=["repo"], name="c", **changes))
    assert repo.sinks == [] and repo.stagings == {}
