import pytest

from codemill.application.collection.collect_data import LSH_INDEX, CollectData, CollectRequest
from codemill.application.collection.file_processor import CollectOptions, FileProcessor
from codemill.application.collection.summary import SourceRecord, UnitCounts
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

GOOD = "def add(a, b):\n    total = a + b\n    return total\n"
EVAL = "def run(text):\n    value = eval(text)\n    return value\n"
MAIL = "def owner():\n    contact = 'jane.doe@example.com'\n    return contact\n"
TINY = "def f(): pass\n"


def _worker_factory(options: CollectOptions, dedup_factory):
    def make():
        processor = FileProcessor(
            fingerprint=dedup_factory().fingerprint if dedup_factory else None,
            parser=RegexPythonParser(),
            quality=LineCountQuality(),
            security=EvalScanner(),
            redactor=EmailRedactor(),
            options=options,
        )
        return processor.process

    return make


def _use_case(repo: MemoryCorpusRepository, sources: dict[str, FakeSource]) -> CollectData:
    return CollectData(
        sources=FakeResolver(sources),
        worker_factory=_worker_factory,
        executor=InlineExecutor(),
        dedup_factory=ExactDedup,
        corpora=repo,
        options=CollectOptions(),
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
    sink = repo.sinks[-1]
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
    kept = {r.unit.name: r for r in repo.sinks[-1].kept}
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
    assert all(not r.findings for r in repo.sinks[-1].kept)
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
