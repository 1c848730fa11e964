from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from codemill.application.datasets.sample_builders import build_samples, samples_from_rows
from codemill.domain.code import CodeUnit, Language, UnitKind
from codemill.domain.corpus import QualityMetrics, SecurityFinding, UnitRecord
from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.errors import InputError

SUMMARIZE = TaskSpec(task=TaskType.GENERATION)
NAME = TaskSpec(task=TaskType.GENERATION, subtask="name")


def record(
    name: str = "parse_header",
    *,
    docstring: str | None = "Parse one HTTP header line.",
    kind: UnitKind = UnitKind.FUNCTION,
    language: Language = Language.PYTHON,
    path: str = "pkg/http.py",
    source: str = "repo-a",
    findings: tuple[SecurityFinding, ...] = (),
    quality: QualityMetrics | None = None,
    flags: frozenset[str] = frozenset(),
    cluster_id: str = "",
) -> UnitRecord:
    body = f"def {name}(line):\n    return {name}_impl(line) or {name}(line[1:])\n"
    with_doc = body.replace(":\n", f':\n    """{docstring}"""\n', 1) if docstring else body
    unit = CodeUnit(
        id=f"{source}:{path}:{name}",
        source=source,
        commit="",
        path=path,
        language=language,
        kind=kind,
        name=name,
        qualified_name=name,
        signature=body.split("\n", 1)[0],
        docstring=docstring,
        code=with_doc,
        code_without_docstring=body,
        start_line=1,
        end_line=3,
        start_byte=0,
        end_byte=len(with_doc),
        has_error=False,
    )
    return UnitRecord(
        unit=unit, findings=findings, quality=quality or QualityMetrics(), flags=flags, cluster_id=cluster_id
    )


def finding(test_id: str, cwe: int | None) -> SecurityFinding:
    return SecurityFinding(
        test_id=test_id, test_name="t", cwe=cwe, severity="HIGH", confidence="HIGH", line=2, message="m"
    )


def test_summarize_pairs_code_without_docstring_with_the_summary() -> None:
    records = [record(), record("a2", docstring=None), record("a3", docstring="Parse it.")]
    samples, skipped = build_samples(records, SUMMARIZE, group_by="file")
    assert skipped == Counter({"no_docstring": 1, "docstring_too_short": 1})
    [sample] = samples
    assert sample.target == "Parse one HTTP header line."
    assert '"""' not in sample.text and sample.text.startswith("def parse_header(line):")
    assert (sample.id, sample.language, sample.cluster) == (
        "repo-a:pkg/http.py:parse_header",
        "python",
        sample.id,
    )


def test_name_masks_the_unit_name_and_skips_classes_and_short_names() -> None:
    records = [
        record(),
        record("Parser", kind=UnitKind.CLASS),
        record("f"),
        record("run", kind=UnitKind.METHOD),
    ]
    samples, skipped = build_samples(records, NAME, group_by="file")
    assert skipped == Counter({"not_a_function": 1, "name_too_short": 1})
    assert [s.target for s in samples] == ["parse_header", "run"]
    assert samples[0].text == "def <MASK>(line):\n    return parse_header_impl(line) or <MASK>(line[1:])\n"


def test_groups_are_source_prefixed_files_or_repositories() -> None:
    records = [
        record("aa", source="r1"),
        record("bb", source="r2"),
        record("cc", source="r1", path="other.py"),
    ]
    by_file, _ = build_samples(records, SUMMARIZE, group_by="file")
    by_repo, _ = build_samples(records, SUMMARIZE, group_by="repository")
    assert len({s.group for s in by_file}) == 3
    assert [s.group for s in by_repo] == ["r1", "r2", "r1"]
    with pytest.raises(InputError, match="group_by"):
        build_samples(records, SUMMARIZE, group_by="folder")


def test_cluster_comes_from_the_record_when_it_has_one() -> None:
    samples, _ = build_samples([record(cluster_id="rep-1")], SUMMARIZE, group_by="file")
    assert samples[0].cluster == "rep-1"


def test_classification_reads_unit_quality_and_flag_fields() -> None:
    records = [
        record("aa", language=Language.GO, quality=QualityMetrics(complexity_rank="B")),
        record("bb", flags=frozenset({"test"})),
    ]

    def labels(field: str) -> tuple[list[str | None], Counter[str]]:
        samples, skipped = build_samples(
            records, TaskSpec(task=TaskType.CLASSIFICATION, label_field=field), group_by="file"
        )
        return [s.label for s in samples], skipped

    assert labels("") == (["go", "python"], Counter())
    assert labels("kind") == (["function", "function"], Counter())
    assert labels("complexity_rank") == (["B"], Counter({"missing_label": 1}))
    assert labels("flags") == (["other", "test"], Counter())
    assert labels("has_error") == (["false", "false"], Counter())
    assert labels("loc") == (["0", "0"], Counter())
    with pytest.raises(InputError, match="complexity_rank"):
        labels("colour")


def test_security_labels() -> None:
    records = [
        record("aa", findings=(finding("B602", 78), finding("B101", None), finding("B602", 78))),
        record("bb"),
        record("cc", findings=(finding("B324", 327), finding("B303", 400))),
    ]

    def build(subtask: str) -> list[object]:
        samples, _ = build_samples(
            records, TaskSpec(task=TaskType.SECURITY, subtask=subtask), group_by="file"
        )
        return [s.label if subtask == "binary" else s.labels for s in samples]

    assert build("binary") == ["vulnerable", "clean", "vulnerable"]
    assert build("test_id") == [("B101", "B602"), (), ("B303", "B324")]
    assert build("cwe") == [("CWE-78",), (), ("CWE-327", "CWE-400")]


def test_security_can_skip_languages_the_scanner_does_not_read() -> None:
    records = [record("aa"), record("bb", language=Language.JAVA)]
    samples, skipped = build_samples(
        records, TaskSpec(task=TaskType.SECURITY), group_by="file", scanned_languages={"python"}
    )
    assert [s.language for s in samples] == ["python"]
    assert skipped == Counter({"language_not_scanned": 1})


def test_rows_devign_style() -> None:
    rows = [
        {"func": "int f(int x) { return x; }", "target": 1},
        {"func": "int  f(int x)\n{ return x; }", "target": 0.0},
        {"func": "   ", "target": 1},
        {"func": None, "target": 1},
        {"func": "int g() { return 0; }", "target": None},
        {"func": "int f(int x) { return x; }", "target": 0},
    ]
    samples, skipped = samples_from_rows(
        rows, TaskSpec(task=TaskType.SECURITY), code_column="func", label_column="target"
    )
    assert skipped == Counter({"empty_code": 2, "missing_label": 1})
    assert [s.label for s in samples] == ["1", "0", "0"]
    digest = hashlib.sha256(rows[0]["func"].encode()).hexdigest()  # type: ignore[union-attr]
    assert [s.id for s in samples] == [digest, samples[1].id, f"{digest}-1"]
    assert [s.group for s in samples] == [s.id for s in samples]
    assert len({s.cluster for s in samples}) == 1  # whitespace-normalized copies share a cluster


def test_rows_for_generation_and_multi_label() -> None:
    rows = [
        {"code": "def f(): pass", "doc": "Do nothing.", "ids": "B101, B602"},
        {"code": "x = 1", "ids": []},
    ]
    gen, skipped = samples_from_rows(rows, SUMMARIZE, code_column="code", target_column="doc")
    assert [s.target for s in gen] == ["Do nothing."] and skipped == Counter({"missing_target": 1})
    multi, _ = samples_from_rows(
        rows, TaskSpec(task=TaskType.SECURITY, subtask="test_id"), code_column="code", label_column="ids"
    )
    assert [s.labels for s in multi] == [("B101", "B602"), ()]
    with pytest.raises(InputError, match="target_column"):
        samples_from_rows(rows, SUMMARIZE, code_column="code")
    with pytest.raises(InputError, match="label_column"):
        samples_from_rows(rows, TaskSpec(task=TaskType.CLASSIFICATION), code_column="code")
