from __future__ import annotations

from collections import Counter

from codemill.application.datasets.body_samples import MAX_BODY_LINES
from codemill.application.datasets.sample_builders import build_samples
from codemill.domain.code import CodeUnit, Language, UnitKind
from codemill.domain.corpus import UnitRecord
from codemill.domain.dataset import MASK_TOKEN, Sample, TaskSpec, TaskType
from tests.fakes.dataset_fakes import RegexCodeStructure

BODY = TaskSpec(task=TaskType.GENERATION, subtask="body")


def unit_record(
    code: str,
    *,
    name: str = "f",
    language: Language = Language.PYTHON,
    kind: UnitKind = UnitKind.FUNCTION,
    docstring: str | None = None,
) -> UnitRecord:
    unit = CodeUnit(
        id=f"u-{name}",
        source="repo",
        commit="",
        path="pkg/m.py",
        language=language,
        kind=kind,
        name=name,
        qualified_name=name,
        signature=code.split("\n", 1)[0],
        docstring=docstring,
        code=code,
        code_without_docstring=code,
        start_line=1,
        end_line=code.count("\n") + 1,
        start_byte=0,
        end_byte=len(code.encode()),
        has_error=False,
    )
    return UnitRecord(unit=unit)


def build(*records: UnitRecord) -> tuple[list[Sample], Counter[str]]:
    return build_samples(list(records), BODY, group_by="file", code_structure=RegexCodeStructure())


def test_a_python_method_keeps_signature_and_docstring_and_its_body_is_dedented() -> None:
    code = (
        "def total(self, items):\n"
        '        """Sum the prices."""\n'
        "        result = 0\n"
        "        for item in items:\n"
        "            result += item.price\n"
        "\n"
        "        return result"
    )
    [sample], skipped = build(
        unit_record(code, name="total", kind=UnitKind.METHOD, docstring="Sum the prices.")
    )
    assert not skipped
    assert sample.text == 'def total(self, items):\n        """Sum the prices."""\n        ' + MASK_TOKEN
    assert sample.target == "result = 0\nfor item in items:\n    result += item.price\n\nreturn result"
    assert sample.id == "u-total"


def test_a_java_method_gets_its_doc_comment_back_and_the_inside_of_its_braces_is_the_target() -> None:
    code = "public int add(int a, int b) {\n    int sum = a + b;\n    return sum;\n}"
    [sample], _ = build(
        unit_record(code, name="add", language=Language.JAVA, docstring="Adds.\n@param a left")
    )
    assert sample.text == (
        "/**\n * Adds.\n * @param a left\n */\npublic int add(int a, int b) {\n    " + MASK_TOKEN + "\n}"
    )
    assert sample.target == "int sum = a + b;\n    return sum;"  # as written: no dedent outside Python


def test_line_doc_comments_use_the_language_marker() -> None:
    code = "func Add(a, b int) int {\n\treturn a + b\n}"
    [sample], _ = build(
        unit_record(code, name="Add", language=Language.GO, docstring="Add adds.\n\nTwo ints.")
    )
    assert sample.text.startswith("// Add adds.\n//\n// Two ints.\nfunc Add(a, b int) int {\n\t<mask>\n}")


def test_skip_reasons() -> None:
    long_body = "".join(f"    x{i} = {i}\n" for i in range(MAX_BODY_LINES + 1))
    samples, skipped = build(
        unit_record("class A:\n    def f(self):\n        return 1", kind=UnitKind.CLASS),
        unit_record("abstract int size();", language=Language.JAVA),
        unit_record('def f():\n    """Only a docstring."""\n'),
        unit_record("def f():\n    # nothing yet\n    pass"),
        unit_record("void f() {\n    // todo\n    ;\n}", language=Language.JAVA),
        unit_record("def f():\n" + long_body),
        unit_record("def f():\n" + long_body.split("\n", 1)[1]),  # exactly MAX_BODY_LINES lines: kept
    )
    assert skipped == Counter({"not_a_function": 1, "no_body": 1, "body_too_short": 3, "body_too_long": 1})
    [kept] = samples
    assert kept.target is not None and kept.target.count("\n") + 1 == MAX_BODY_LINES


def test_floor_division_is_code_in_python_and_a_c_pointer_write_is_code_too() -> None:
    samples, skipped = build(
        unit_record("def half(n):\n    return n // 2"),
        unit_record("void clear(int *p) {\n    *p = 0;\n}", language=Language.C),
    )
    assert not skipped and [s.target for s in samples] == ["return n // 2", "*p = 0;"]


def test_an_input_seen_before_is_skipped_so_identical_inputs_neither_conflict_nor_tie_files() -> None:
    first = unit_record("def setUp(self):\n        self.a = 1", name="setUp")
    second = unit_record("def setUp(self):\n        self.b = 2", name="setUp2")
    same_up_to_spaces = unit_record("def setUp(self):\n    self.c = 3", name="setUp3")
    samples, skipped = build(first, second, same_up_to_spaces)
    assert [s.target for s in samples] == ["self.a = 1"]
    assert skipped == Counter({"duplicate_input": 2})
