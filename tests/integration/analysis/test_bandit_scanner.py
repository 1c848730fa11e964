from __future__ import annotations

from codemill.domain.code import Language, UnitKind
from codemill.infrastructure.analysis.bandit_scanner import BanditSecurityScanner
from tests.integration.analysis.unit_builders import cut_unit, line_of, source_file

RISKY = """import subprocess

import yaml


def run(command):
    return subprocess.call(command, shell=True)


def evaluate(expression):
    return eval(expression)


class Store:
    def connect(self):
        password = "hunter2-very-secret"
        return password

    def load(self, stream):
        data = yaml.load(stream)
        assert data
        return data

    def quiet(self, expression):
        return eval(expression)  # nosec B307
"""


def at(fragment: str) -> int:
    return line_of(RISKY, fragment)


def risky_units():
    file = source_file("app/risky.py", Language.PYTHON, RISKY)
    end = RISKY.count("\n")
    return file, [
        cut_unit(file, UnitKind.FUNCTION, "run", at("def run"), at("shell=True")),
        cut_unit(file, UnitKind.FUNCTION, "evaluate", at("def evaluate"), at("eval(expr")),
        cut_unit(file, UnitKind.CLASS, "Store", at("class Store"), end),
        cut_unit(file, UnitKind.METHOD, "connect", at("def connect"), at("return password")),
        cut_unit(file, UnitKind.METHOD, "load", at("def load"), at("return data")),
        cut_unit(file, UnitKind.METHOD, "quiet", at("def quiet"), end),
    ]


def test_findings_carry_test_ids_cwe_and_lines_of_the_right_units() -> None:
    file, units = risky_units()
    run, evaluate, store, connect, load, quiet = BanditSecurityScanner().scan(file, units)
    assert [(f.test_id, f.test_name, f.cwe, f.severity) for f in run] == [
        ("B602", "subprocess_popen_with_shell_equals_true", 78, "HIGH")
    ]
    assert run[0].line == at("shell=True") and run[0].confidence == "HIGH"
    assert [f.test_id for f in evaluate] == ["B307"]
    assert [(f.test_id, f.cwe) for f in connect] == [("B105", 259)]
    assert "hunter2-very-secret" in connect[0].message
    assert [(f.test_id, f.cwe) for f in load] == [("B506", 20)]  # B101 (assert) is skipped by default
    assert quiet == ()  # `# nosec` is honoured
    assert [f.test_id for f in store] == ["B105", "B506"]  # enclosing class gets its methods' findings


def test_module_level_findings_belong_to_no_unit() -> None:
    file, units = risky_units()
    every = [finding for found in BanditSecurityScanner().scan(file, units) for finding in found]
    assert "B404" not in {finding.test_id for finding in every}  # `import subprocess`, line 1


def test_skipped_tests_are_configurable() -> None:
    file, units = risky_units()
    load = BanditSecurityScanner(skip_tests=()).scan(file, units)[4]
    assert [f.test_id for f in load] == ["B506", "B101"]


def test_clean_broken_and_other_languages_give_empty_tuples() -> None:
    scanner = BanditSecurityScanner()
    clean = source_file("clean.py", Language.PYTHON, "def add(a, b):\n    return a + b\n")
    assert scanner.scan(clean, [cut_unit(clean, UnitKind.FUNCTION, "add", 1, 2)]) == [()]
    broken = source_file("broken.py", Language.PYTHON, "def f(:\n    eval(x)\n")
    assert scanner.scan(broken, [cut_unit(broken, UnitKind.FUNCTION, "f", 1, 2)]) == [()]
    go = source_file("main.go", Language.GO, "package main\n\nfunc main() {\n}\n")
    assert not scanner.supports(Language.GO)
    assert scanner.scan(go, [cut_unit(go, UnitKind.FUNCTION, "main", 3, 4)]) == [()]
    assert scanner.scan(clean, []) == []
