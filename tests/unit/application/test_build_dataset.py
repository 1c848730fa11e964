import dataclasses

import pytest

from codemill.application.datasets.build_dataset import BuildDataset, BuildDatasetRequest, UserFile
from codemill.application.publishing.name_claims import NameClaims
from codemill.domain.code import CodeUnit, Language, UnitKind
from codemill.domain.corpus import SecurityFinding, UnitRecord
from codemill.domain.dataset import SplitConfig, TaskSpec, TaskType
from codemill.domain.errors import CodemillError, InputError
from tests.fakes.collect_fakes import ExactDedup
from tests.fakes.dataset_fakes import (
    FakeCorpora,
    FakeTokenizers,
    MemoryDatasets,
    PngPlotter,
    RegexCodeStructure,
    RowsReader,
)
from tests.fakes.memory_store import InMemoryArtifactStore

FINDING = SecurityFinding(
    test_id="B602", test_name="shell", cwe=78, severity="HIGH", confidence="HIGH", line=2, message="shell"
)


def _record(
    i: int, *, language: Language = Language.PYTHON, doc: str | None = None, vulnerable: bool = False
):
    code = f"def f{i}(x):\n    return x + {i} * {i % 7}\n"
    unit = CodeUnit(
        id=f"u{i:04d}",
        source="repo",
        commit="",
        path=f"pkg/m{i // 2}.py",
        language=language,
        kind=UnitKind.FUNCTION,
        name=f"f{i}",
        qualified_name=f"f{i}",
        signature=f"def f{i}(x):",
        docstring=doc,
        code=code,
        code_without_docstring=code,
        start_line=1,
        end_line=2,
        start_byte=0,
        end_byte=len(code),
        has_error=False,
    )
    return UnitRecord(unit=unit, findings=(FINDING,) if vulnerable else (), cluster_id=unit.id)


def _records(n: int = 60) -> list[UnitRecord]:
    languages = [Language.PYTHON, Language.GO, Language.JAVA]
    return [
        _record(
            i,
            language=languages[i % 3],
            doc=f"Compute value number {i} from the input.",
            vulnerable=i % 4 == 0,
        )
        for i in range(n)
    ]


def _use_case(records=None, stats=None, rows=None):
    datasets = MemoryDatasets()
    corpora = FakeCorpora(
        {"c": records or _records()}, {"c": stats or {"security": {"scanned_languages": ["python"]}}}
    )
    use_case = BuildDataset(
        corpora=corpora,
        datasets=datasets,
        tokenizers=FakeTokenizers(),
        reader=RowsReader(rows or []),
        dedup_factory=ExactDedup,
        plotter=PngPlotter(),
        code_structure=RegexCodeStructure(),
        claims=NameClaims(InMemoryArtifactStore()),
    )
    return use_case, datasets


def test_generation_dataset_is_split_without_leakage_and_published() -> None:
    use_case, datasets = _use_case()
    result = use_case.execute(
        BuildDatasetRequest(name="d", corpus="c", task=TaskSpec(task=TaskType.GENERATION))
    )
    splits, bundle = datasets.published["d"]
    assert sum(len(v) for v in splits.values()) == result.stats.samples == 60
    groups = {name: {s.group for s in part} for name, part in splits.items()}
    assert not groups["train"] & groups["test"]
    assert not groups["train"] & groups["validation"]
    assert all(s.target and s.target.startswith("Compute value") for s in splits["train"])
    assert result.stats.decontamination["test"].exact == 0
    assert bundle.stats == result.stats.to_dict()  # what stats.json holds
    assert set(bundle.plots) == {"input_lengths.png", "target_lengths.png"}
    assert "# Dataset `d`" in bundle.card
    assert bundle.tokenizer_files == {"tokenizer.json": b"{}"}


def test_classification_labels_come_from_the_field() -> None:
    use_case, datasets = _use_case()
    request = BuildDatasetRequest(name="d", corpus="c", task=TaskSpec(task=TaskType.CLASSIFICATION))
    result = use_case.execute(request)
    _, bundle = datasets.published["d"]
    assert bundle.label_names == ("go", "java", "python")
    assert sum(result.stats.labels["train"].values()) == result.stats.splits["train"]


def test_security_only_labels_scanned_languages_and_balances_train() -> None:
    use_case, datasets = _use_case()
    task = TaskSpec(task=TaskType.SECURITY, balance=1.0)
    result = use_case.execute(BuildDatasetRequest(name="d", corpus="c", task=task))
    splits, _ = datasets.published["d"]
    assert {s.language for part in splits.values() for s in part} == {"python"}
    train = result.stats.labels["train"]
    assert train["clean"] == train["vulnerable"]
    assert result.stats.skipped["language_not_scanned"] == 40


def test_security_needs_a_scanned_corpus() -> None:
    use_case, _ = _use_case(stats={"security": {"scanned_languages": []}})
    with pytest.raises(InputError, match="no-security"):
        use_case.execute(BuildDatasetRequest(name="d", corpus="c", task=TaskSpec(task=TaskType.SECURITY)))


def test_a_user_file_with_missing_columns_names_the_columns() -> None:
    use_case, datasets = _use_case(rows=[{"func": "int f() { return 1; }", "target": 1}])
    request = BuildDatasetRequest(
        name="d",
        task=TaskSpec(task=TaskType.SECURITY),
        user_file=UserFile(location="x.jsonl", label_column="label"),
    )
    with pytest.raises(InputError, match="its columns are func, target"):
        use_case.execute(request)
    assert datasets.published == {}


def test_a_devign_style_file_builds_a_binary_dataset() -> None:
    rows = [{"func": f"int f{i}(int a) {{ return a * {i}; }}", "target": i % 2} for i in range(40)]
    use_case, datasets = _use_case(rows=rows)
    request = BuildDatasetRequest(
        name="devign",
        task=TaskSpec(task=TaskType.SECURITY),
        user_file=UserFile(location="devign.jsonl", code_column="func", label_column="target"),
    )
    result = use_case.execute(request)
    assert set(datasets.published["devign"][1].label_names) == {"0", "1"}
    assert result.stats.source.file == "devign.jsonl"


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        (
            {"corpus": "c", "task": TaskSpec(task=TaskType.CLASSIFICATION, label_field="kind")},
            "2 classes|single class",
        ),
        ({"corpus": "nope", "task": TaskSpec(task=TaskType.GENERATION)}, "does not exist"),
        ({"task": TaskSpec(task=TaskType.GENERATION)}, "exactly one source"),
        ({"corpus": "c", "task": TaskSpec(task=TaskType.GENERATION), "vocab_size": 10}, "vocab size"),
        ({"corpus": "c", "task": TaskSpec(task=TaskType.GENERATION), "tokenizer": "missing"}, "cannot load"),
    ],
)
def test_bad_input_stops_before_anything_is_written(request_kwargs, message) -> None:
    use_case, datasets = _use_case()
    with pytest.raises(CodemillError, match=message):
        use_case.execute(BuildDatasetRequest(name="d", **request_kwargs))
    assert datasets.published == {}


def test_no_docstrings_means_no_generation_samples() -> None:
    records = [_record(i) for i in range(10)]
    use_case, _ = _use_case(records=records)
    with pytest.raises(InputError, match="no_docstring=10"):
        use_case.execute(BuildDatasetRequest(name="d", corpus="c", task=TaskSpec(task=TaskType.GENERATION)))


def test_a_split_that_cannot_be_filled_is_refused() -> None:
    use_case, _ = _use_case(records=_records(2))
    with pytest.raises(InputError, match="split"):
        use_case.execute(
            BuildDatasetRequest(
                name="d", corpus="c", task=TaskSpec(task=TaskType.GENERATION), split=SplitConfig()
            )
        )


def _test_record(i: int) -> UnitRecord:
    code = f"def test_f{i}(self):\n    value = f{i}(2)\n    assert value > {i}\n"
    code += f"    self.assertEqual(value, {i + 2})\n"
    unit = _record(i).unit
    test_unit = dataclasses.replace(
        unit, id=f"t{i:04d}", name=f"test_f{i}", path=f"tests/test_m{i // 2}.py", code=code
    )
    return UnitRecord(
        unit=dataclasses.replace(test_unit, code_without_docstring=code), flags=frozenset({"test"})
    )


def test_assertion_dataset_reads_the_corpus_twice_and_keeps_each_test_in_one_split() -> None:
    records = [_record(i) for i in range(30)] + [_test_record(i) for i in range(30)]
    use_case, datasets = _use_case(records=records)
    task = TaskSpec(task=TaskType.GENERATION, subtask="assertion")
    result = use_case.execute(BuildDatasetRequest(name="a", corpus="c", task=task))
    splits, bundle = datasets.published["a"]
    assert use_case_corpora(use_case).readings["c"] == 2
    assert result.stats.samples == 60 and result.stats.skipped == {"not_a_test": 30}
    split_of_test: dict[str, set[str]] = {}
    for split, samples in splits.items():
        for sample in samples:
            test_id = sample.id.split("#")[0]
            split_of_test.setdefault(test_id, set()).add(split)
            i = int(test_id[1:])
            masked, focal = sample.text.split(" </s> ")
            assert masked.replace("<mask>", sample.target) == records[30 + i].unit.code
            assert focal == records[i].unit.code_without_docstring  # test_f{i} tests f{i}
    assert len(split_of_test) == 30 and all(len(s) == 1 for s in split_of_test.values())
    assert bundle.task.target_is_code


def use_case_corpora(use_case: BuildDataset) -> FakeCorpora:
    corpora = use_case._corpora
    assert isinstance(corpora, FakeCorpora)
    return corpora


def test_body_dataset_masks_bodies() -> None:
    use_case, datasets = _use_case()
    task = TaskSpec(task=TaskType.GENERATION, subtask="body")
    result = use_case.execute(BuildDatasetRequest(name="b", corpus="c", task=task))
    splits, _ = datasets.published["b"]
    # the records of Go and Java hold Python code: no braces, so no body
    assert result.stats.samples == 20 and result.stats.skipped == {"no_body": 40}
    sample = next(iter(splits["train"]))
    assert sample.text == "def f0(x):\n    <mask>\n" and sample.target == "return x + 0 * 0"
