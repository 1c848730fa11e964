from __future__ import annotations

import random

import pytest

from codemill.application.datasets.decontamination import (
    as_code_unit,
    assert_no_exact_overlap,
    overlap_report,
)
from codemill.application.datasets.splitting import split_samples
from codemill.domain.code import Language
from codemill.domain.dataset import Sample, SplitConfig
from codemill.domain.errors import IntegrityError
from codemill.infrastructure.dedup import MinHashDeduplicator

WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma", "omega")
OPERATORS = ("+", "-", "*", "//", "%")


def function(index: int) -> str:
    """A distinct, realistic-sized Python function: unrelated ones share few 5-token shingles."""
    rng = random.Random(index)
    names = rng.sample(WORDS, 6)
    lines = [f"def {names[0]}_{index}({names[1]}, {names[2]}):", f"    {names[3]} = []"]
    for step in range(8):
        a, b = rng.sample(names[1:], 2)
        op = rng.choice(OPERATORS)
        lines.append(f"    if {a} > {rng.randrange(100)}:")
        lines.append(f"        {names[3]}.append({a} {op} {b} * {rng.randrange(1000) + step})")
    lines.append(f"    return sorted({names[3]})[: {names[4]}_{index}({names[5]})]")
    return "\n".join(lines) + "\n"


def near_copy(code: str) -> str:
    """The same function reformatted, with one extra statement."""
    return code.replace("    return", "    log('done')  # trace\n    return").replace(" = ", " =  ")


def sample(index: int, text: str, group: str = "") -> Sample:
    return Sample(id=f"s{index}", text=text, group=group or f"g{index}", language="python")


def test_a_near_copy_in_test_of_a_train_sample_is_counted() -> None:
    train = [sample(i, function(i)) for i in range(30)]
    test = [
        sample(100, near_copy(function(3))),
        sample(101, "  " + function(4).replace("\n", " \n")),  # exact modulo layout
        sample(102, function(500)),
    ]
    validation = [sample(200, function(600))]
    splits = {"train": train, "validation": validation, "test": test}
    report = overlap_report(splits, near=MinHashDeduplicator())
    assert report == {"validation": {"exact": 0, "near": 0}, "test": {"exact": 1, "near": 1}}
    with pytest.raises(IntegrityError, match="1 evaluation samples are exact copies"):
        assert_no_exact_overlap(report)
    assert overlap_report(splits, near=None)["test"] == {"exact": 1, "near": None}


def test_after_split_samples_the_exact_overlap_is_zero() -> None:
    rng = random.Random(9)
    samples = [sample(i, function(i), group=f"file{rng.randrange(60)}") for i in range(200)]
    copies = [sample(1000 + i, function(i * 7) + "\n\n", group=f"copy{i}") for i in range(25)]
    splits = split_samples(samples + copies, SplitConfig(seed=3), stratify=False)
    report = overlap_report(splits, near=MinHashDeduplicator())
    assert report["validation"]["exact"] == report["test"]["exact"] == 0
    assert_no_exact_overlap(report)


def test_samples_become_code_units_with_a_safe_language() -> None:
    assert as_code_unit(sample(1, "x = 1\n"), "u1").language is Language.PYTHON
    unknown = Sample(id="d", text="int f() { return 0; }\n")
    unit = as_code_unit(unknown, "u2")
    assert (unit.id, unit.language, unit.code, unit.end_line) == ("u2", Language.C, unknown.text, 2)
