from __future__ import annotations

from codemill.domain.code import Language, UnitKind
from codemill.infrastructure.analysis.composite_quality import CompositeQualityAnalyzer
from codemill.infrastructure.analysis.lizard_quality import LizardQualityAnalyzer
from codemill.infrastructure.analysis.radon_quality import RadonQualityAnalyzer
from tests.integration.analysis.unit_builders import cut_unit, line_of, source_file

JAVA = """package shop;

/** A stock of items. */
public class Inventory {
    private final int limit;

    public Inventory(int limit) {
        this.limit = limit;
    }

    // Counts the items worth reordering.
    @Override
    public int reorder(int[] levels, boolean urgent) {
        int count = 0;
        for (int level : levels) {
            if (level < limit && urgent) {
                count++;
            }
        }
        return count;
    }
}
"""

GO = """package queue

func Drain(items []int, keep func(int) bool) int {
\tkept := 0
\tvisit := func(x int) {
\t\tif keep(x) {
\t\t\tkept++
\t\t}
\t}
\tfor _, item := range items {
\t\tvisit(item)
\t}
\treturn kept
}
"""

JS = """// cart helpers
function total(items) {
  /* sum of prices */
  return items.reduce((sum, item) => sum + (item.price > 0 ? item.price : 0), 0);
}
"""


def at(fragment: str) -> int:
    return line_of(JAVA, fragment)


def test_java_methods_and_class() -> None:
    file = source_file("shop/Inventory.java", Language.JAVA, JAVA)
    end = JAVA.rstrip().count("\n") + 1
    units = [
        cut_unit(file, UnitKind.CLASS, "Inventory", at("public class"), end),
        cut_unit(
            file,
            UnitKind.METHOD,
            "Inventory",
            at("public Inventory("),
            at("this.limit") + 1,
        ),
        cut_unit(file, UnitKind.METHOD, "reorder", at("@Override"), end - 1),
    ]
    klass, constructor, reorder = LizardQualityAnalyzer().measure(file, units)
    assert (reorder.cyclomatic, reorder.complexity_rank, reorder.parameter_count) == (4, "A", 2)
    assert reorder.token_count is not None and reorder.token_count > 30
    assert (constructor.cyclomatic, constructor.parameter_count) == (1, 1)
    assert klass.cyclomatic == (1 + 4 + 1) // 2 + 1  # radon's class formula over its methods
    assert klass.token_count == reorder.token_count + constructor.token_count
    assert klass.parameter_count is None
    assert reorder.maintainability_index is None and reorder.halstead_volume is None
    assert (reorder.loc, reorder.sloc, reorder.comments) == (10, 10, 0)
    assert (klass.loc, klass.comments) == (19, 1)


def test_go_function_is_not_confused_with_its_closure() -> None:
    file = source_file("queue/drain.go", Language.GO, GO)
    (drain,) = LizardQualityAnalyzer().measure(file, [cut_unit(file, UnitKind.FUNCTION, "Drain", 3, 14)])
    assert drain.cyclomatic == 2  # the range loop; the closure's `if` is lizard's separate function
    assert drain.parameter_count == 2


def test_javascript_and_comment_lines() -> None:
    file = source_file("web/cart.js", Language.JAVASCRIPT, JS)
    (total,) = LizardQualityAnalyzer().measure(file, [cut_unit(file, UnitKind.FUNCTION, "total", 2, 5)])
    # `total` itself, not the arrow function inside it (lizard scores the ternary there: 2, two params)
    assert (total.cyclomatic, total.parameter_count) == (1, 1)
    assert (total.loc, total.sloc, total.comments) == (4, 3, 1)


def test_units_lizard_does_not_see_keep_none_and_never_raise() -> None:
    file = source_file("odd.go", Language.GO, "package x\n\nvar a = 1\nvar b = 2\n")
    (unit_metrics,) = LizardQualityAnalyzer().measure(file, [cut_unit(file, UnitKind.FUNCTION, "a", 3, 4)])
    assert unit_metrics.cyclomatic is None and unit_metrics.token_count is None
    assert unit_metrics.loc == 2
    garbage = source_file("g.rs", Language.RUST, "fn (((( {{{{ ]]] \x00 ''' \n" * 50)
    assert (
        len(LizardQualityAnalyzer().measure(garbage, [cut_unit(garbage, UnitKind.FUNCTION, "f", 1, 3)])) == 1
    )


def test_every_non_python_language_is_supported() -> None:
    analyzer = LizardQualityAnalyzer()
    assert all(analyzer.supports(language) for language in Language if language is not Language.PYTHON)
    assert not analyzer.supports(Language.PYTHON)


def test_composite_dispatches_by_language() -> None:
    composite = CompositeQualityAnalyzer([RadonQualityAnalyzer(), LizardQualityAnalyzer()])
    python = source_file("a.py", Language.PYTHON, "def f(x):\n    return x + 1\n")
    (py_metrics,) = composite.measure(python, [cut_unit(python, UnitKind.FUNCTION, "f", 1, 2)])
    assert py_metrics.maintainability_index is not None  # radon
    go = source_file("queue/drain.go", Language.GO, GO)
    (go_metrics,) = composite.measure(go, [cut_unit(go, UnitKind.FUNCTION, "Drain", 3, 14)])
    assert go_metrics.token_count is not None and go_metrics.maintainability_index is None  # lizard
    radon_only = CompositeQualityAnalyzer([RadonQualityAnalyzer()])
    assert not radon_only.supports(Language.GO)
    (lines_only,) = radon_only.measure(go, [cut_unit(go, UnitKind.FUNCTION, "Drain", 3, 14)])
    assert lines_only.cyclomatic is None and lines_only.loc == 12
