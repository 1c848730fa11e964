"""The baselines of code targets: the commonest assertion shape, the local under test, stub bodies."""

from __future__ import annotations

from codemill.domain.code_baselines import (
    STUB_BODIES,
    assigned_local,
    describe_stubs,
    most_frequent_shape,
    stub_body,
)

TRAINING_ASSERTIONS = [
    "self.assertEqual(result, 0)",
    "self.assertTrue(ok)",
    "self.assertEqual(total, 0)",
    "self.assertEqual(count, 2)",
    'self.assertIn("x", names)',
]


def test_the_most_frequent_shape_cuts_out_names_and_literals() -> None:
    shape = most_frequent_shape(TRAINING_ASSERTIONS)
    assert shape is not None
    assert shape.template == "self.assertEqual(<name>, <number>)"
    assert shape.fillers == ("result", "0")  # each slot's most frequent filler (ties: the first seen)


def test_a_shape_is_filled_with_the_last_local_assigned_before_the_mask() -> None:
    shape = most_frequent_shape(TRAINING_ASSERTIONS)
    assert shape is not None
    test = "def test_add(self):\n    calc = Calc()\n    value = calc.add(1, -1)\n    <mask>"
    test += " </s> def add(a, b):\n    s = a + b\n    return s"
    assert shape.instantiate(test) == "self.assertEqual(value, 0)"
    assert shape.instantiate("def test_nothing(self):\n    <mask>\n") == "self.assertEqual(result, 0)"


def test_java_go_and_keywords_in_shapes() -> None:
    shape = most_frequent_shape(["assertEquals(3, calc.add(1, 2));", "assertEquals(4, c.add(2, 2));"])
    assert shape is not None
    assert shape.template == "assertEquals(<number>, <name>.<name>(<number>, <number>));"
    java = "void testAdd() {\n    Calculator c = new Calculator();\n    int r = c.add(1, 2);\n    <mask>\n}"
    assert shape.instantiate(java) == "assertEquals(3, r.add(1, 2));"
    kept = most_frequent_shape(["assertThat(x).isEqualTo(null);", "assert x is None"])
    assert kept is not None and kept.template == "assertThat(<name>).isEqualTo(null);"
    assert most_frequent_shape([]) is None and most_frequent_shape(["  "]) is None


def test_the_local_under_test() -> None:
    assert assigned_local("func TestAdd(t *testing.T) {\n\tgot := Add(1, 2)\n\t<mask>\n}") == "got"
    assert assigned_local("$result = add(1, 2);\n<mask>") == "$result"
    assert assigned_local("const total = sum([1]);\nlet [a] = b;\n<mask>") == "total"
    assert assigned_local("x: int = 3\nself.y = 2\nif a == b:\n    pass\n<mask>") == "x"
    assert assigned_local("<mask>\nlater = 1\n") == "later"  # none before the mask: the first after it
    focal = "def test_f(self):\n    <mask> </s> def f(text):\n    year = text[:4]\n    return year"
    assert assigned_local(focal) == ""  # the tested function's locals are not the test's
    assert assigned_local("assert a == b\n<mask>") == ""


def test_stub_bodies_per_language() -> None:
    assert stub_body("python") == "pass" and stub_body("java") == "return null;"
    assert stub_body("go") == "return nil" and stub_body("cobol") == ""
    assert describe_stubs(["python", "java", "python"]) == "python `pass`, java `return null;`"
    assert {
        "python",
        "java",
        "javascript",
        "go",
        "rust",
        "c",
        "cpp",
        "csharp",
        "kotlin",
        "php",
        "ruby",
    } <= set(STUB_BODIES)
