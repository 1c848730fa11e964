"""Baselines of every task, and the pipeline summary of a task whose target is code."""

from __future__ import annotations

import pytest

from codemill.application.pipeline.baseline import baseline_score
from codemill.application.pipeline.plan import StepStatus
from codemill.application.pipeline.report import render_report, summarize, summary_lines
from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.pipeline import StepRecord
from tests.fakes.syntax_fakes import PythonAstSyntaxChecker

CODE_METRICS = {"bleu4", "exact_match", "token_f1", "ast_validity", "ngram_similarity"}


def sample(index: int, text: str, target: str, language: str = "python") -> Sample:
    return Sample(id=str(index), text=text, target=target, language=language)


def test_the_assertion_baseline_fills_the_commonest_shape_with_the_test_local() -> None:
    train = [
        sample(1, "t", "self.assertEqual(result, 0)"),
        sample(2, "t", "self.assertEqual(total, 0)"),
        sample(3, "t", "self.assertTrue(ok)"),
    ]
    test = [
        sample(4, "def test_a(self):\n    value = f()\n    <mask>\n", "self.assertEqual(value, 0)"),
        sample(5, "def test_b(self):\n    <mask>\n", "self.assertIsNone(thing)"),
    ]
    checker = PythonAstSyntaxChecker()
    score = baseline_score(TaskSpec(task=TaskType.GENERATION, subtask="assertion"), train, test, checker)
    assert score is not None and score.samples == 2
    assert "`self.assertEqual(<name>, <number>)`" in score.name and "last local variable" in score.name
    assert set(score.metrics) == CODE_METRICS
    assert score.metrics["exact_match"] == 0.5  # 'self.assertEqual(value, 0)' is right; the other is not
    assert score.metrics["ast_validity"] == 1.0
    assert [code for code, _, _ in checker.checked] == [
        "self.assertEqual(value, 0)",
        "self.assertEqual(result, 0)",
    ]


def test_the_body_baseline_is_a_stub_per_language() -> None:
    test = [
        sample(1, "def f():\n    <mask>", "pass"),
        sample(2, "int g() { <mask> }", "return 1;", "java"),
    ]
    score = baseline_score(
        TaskSpec(task=TaskType.GENERATION, subtask="body"), [], test, PythonAstSyntaxChecker()
    )
    assert score is not None
    assert score.name == "a stub body per language: python `pass`, java `return null;`"
    assert score.metrics["exact_match"] == 0.5
    assert score.metrics["ast_validity"] == 1.0  # over python, the one language the fake parses
    # return 1 ; against return null ; -> unigrams 2/3, bigrams 0/2, trigram 0/1
    assert score.metrics["ngram_similarity"] == pytest.approx((1 + (2 / 3 + 0 + 0) / 3) / 2)


def test_text_and_label_baselines_are_unchanged() -> None:
    checker = PythonAstSyntaxChecker()
    summarize_task = TaskSpec(task=TaskType.GENERATION, subtask="summarize")
    texts = baseline_score(summarize_task, [], [sample(1, "def get_user(u): pass", "get user")], checker)
    assert texts is not None and set(texts.metrics) == {"bleu4", "exact_match", "token_f1"}
    assert texts.metrics["exact_match"] == 1.0 and checker.checked == []
    labels = [Sample(id=str(i), text="x", label=label) for i, label in enumerate("aab")]
    majority = baseline_score(TaskSpec(task=TaskType.CLASSIFICATION), labels, labels, checker)
    assert majority is not None and majority.name == "always 'a' (the most frequent training label)"


def test_the_summary_shows_and_compares_every_code_metric() -> None:
    def record(step: str, summary: dict[str, object]) -> StepRecord:
        return StepRecord(
            step=step, input_hash="i", output=step, output_manifest_sha256="o", seconds=1, finished_at="t",
            summary=summary,
        )  # fmt: skip

    teacher = {
        "bleu4": 40.0,
        "exact_match": 0.2,
        "token_f1": 0.5,
        "ast_validity": 0.9,
        "ngram_similarity": 0.6,
    }
    baseline = {
        "bleu4": 20.0,
        "exact_match": 0.1,
        "token_f1": 0.3,
        "ast_validity": 1.0,
        "ngram_similarity": 0.4,
    }
    records = {
        "dataset": record(
            "dataset",
            {
                "task": "generation/body",
                "splits": {"train": 8},
                "baseline": {"name": "stub", "metrics": baseline},
            },
        ),
        "train": record("train", {"name": "teacher", "metrics": {**teacher, "loss": 1.2}}),
        "distill": record("distill", {"name": "student", "metrics": dict(teacher, ast_validity=0.8)}),
    }
    statuses = [StepStatus(step=s, status="ran", seconds=1.0) for s in ("dataset", "train", "distill")]
    summary = summarize("run", statuses, records)
    assert summary["beats_baseline"] == {
        "bleu4": True, "exact_match": True, "token_f1": True, "ast_validity": False, "ngram_similarity": True,
    }  # fmt: skip
    report = render_report(summary, [])
    header = "| model | ast_validity | bleu4 | exact_match | ngram_similarity | token_f1 |"
    assert header in report
    assert "| student: student | 0.8 | 40 | 0.2 | 0.6 | 0.5 |" in report
    won = "bleu4, exact_match, token_f1, ngram_similarity"
    beats = f"teacher vs baseline: falls short on ast_validity (beats it on {won})"
    assert beats in report
    lines = summary_lines(summary)
    for who in ("teacher", "student", "baseline (stub)"):
        line = next(line for line in lines if line.strip().startswith(who))
        assert "ast_validity" in line and "ngram_similarity" in line
    assert any(beats in line for line in lines)
