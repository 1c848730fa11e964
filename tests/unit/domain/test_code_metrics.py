"""The metrics of code targets, on examples computed by hand."""

from __future__ import annotations

import pytest

from codemill.domain.code_metrics import (
    CODE_METRICS,
    SyntaxScoring,
    ast_validity,
    code_metrics,
    syntax_scoring,
)
from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.errors import InputError
from codemill.domain.evaluation_metrics import code_tokens, positional_ngram_similarity
from codemill.domain.quality_metrics import quality_metrics
from codemill.domain.validation import SplitPredictions
from tests.fakes.syntax_fakes import PythonAstSyntaxChecker

PYTHON_ASSERTIONS = SyntaxScoring(checker=PythonAstSyntaxChecker(), snippet="assertion")


def test_code_tokens_are_names_numbers_strings_and_single_punctuation() -> None:
    assert code_tokens('self.assertEqual(x_1, "a, b") # 1.5e-3') == [
        *("self", ".", "assertEqual", "(", "x_1", ",", '"a, b"', ")", "#", "1.5e-3"),
    ]
    assert code_tokens("$this->a != 0x1F") == ["$this", "-", ">", "a", "!", "=", "0x1F"]
    assert code_tokens("naïve = 'ü'") == ["naïve", "=", "'ü'"]
    assert code_tokens("  \n") == []


def test_the_same_code_scores_one_and_unrelated_code_zero() -> None:
    assert positional_ngram_similarity(["assert x == 1"], ["assert x == 1"]) == 1.0
    assert positional_ngram_similarity(["assert x == 1"], ["return"]) == 0.0
    assert positional_ngram_similarity([], []) == 0.0


def test_swapped_arguments_keep_only_what_stays_in_place() -> None:
    # reference assertEqual ( a , b ) against assertEqual ( b , a ):
    # unigrams in place: assertEqual ( , ) -> 4/6; bigrams: (assertEqual, () -> 1/5; trigrams 0/4; 4-grams 0/3
    expected = (4 / 6 + 1 / 5 + 0 / 4 + 0 / 3) / 4
    assert positional_ngram_similarity(["assertEqual(a, b)"], ["assertEqual(b, a)"]) == pytest.approx(
        expected
    )


def test_a_shift_of_one_token_is_allowed_and_two_are_not() -> None:
    reference = ["x = f(1)"]  # x = f ( 1 )
    assert positional_ngram_similarity(reference, ["y x = f(1)"]) == 1.0  # every n-gram one to the right
    assert positional_ngram_similarity(reference, ["a b x = f(1)"]) == 0.0  # two to the right: nothing


def test_each_prediction_ngram_matches_once_and_short_references_use_the_orders_they_have() -> None:
    # reference a a a, prediction a: one unigram of three; no bigram (0/2), no trigram (0/1)
    assert positional_ngram_similarity(["a a a"], ["a"]) == pytest.approx((1 / 3 + 0 + 0) / 3)
    assert positional_ngram_similarity(["pass"], ["pass"]) == 1.0  # one token: the unigram order only
    assert positional_ngram_similarity(["f(x)"], ["f(y)"]) == pytest.approx(
        (3 / 4 + 1 / 3 + 0 / 2 + 0 / 1) / 4
    )


def test_empty_references_and_the_mean_over_samples() -> None:
    assert positional_ngram_similarity([""], [""]) == 1.0
    assert positional_ngram_similarity([""], ["x"]) == 0.0
    assert positional_ngram_similarity(["pass", "pass"], ["pass", ""]) == 0.5
    with pytest.raises(ValueError, match="differ in length"):
        positional_ngram_similarity(["a"], [])


def test_ast_validity_counts_the_languages_the_checker_supports() -> None:
    checker = PythonAstSyntaxChecker()
    predictions = ["x = 1", "x = (", "whatever it is"]
    assert ast_validity(predictions, ["python", "python", "cobol"], checker, "body") == 0.5
    assert ast_validity(["x"], ["cobol"], checker, "body") == 0.0  # nothing it can parse
    assert ast_validity([], [], checker, "body") == 0.0
    assert checker.checked[0] == ("x = 1", "python", "body")
    with pytest.raises(ValueError, match="2 predictions but 1 languages"):
        ast_validity(["a", "b"], ["python"], checker, "body")


def test_code_metrics_names_the_five_metrics() -> None:
    metrics = code_metrics(
        ["self.assertEqual(a, 1)", "assert ok"],
        ["self.assertEqual(a, 1)", "assert ok =="],
        ["python", "python"],
        PYTHON_ASSERTIONS,
    )
    assert tuple(metrics) == CODE_METRICS
    assert metrics["exact_match"] == 0.5 and metrics["ast_validity"] == 0.5
    assert metrics["ngram_similarity"] == pytest.approx((1 + 1) / 2)  # the extra '==' takes nothing away
    assert 0 < metrics["bleu4"] < 100


def test_only_code_targets_get_syntax_scoring() -> None:
    checker = PythonAstSyntaxChecker()
    body = syntax_scoring(TaskSpec(task=TaskType.GENERATION, subtask="body"), checker)
    assert body == SyntaxScoring(checker=checker, snippet="body")
    assertion = syntax_scoring(TaskSpec(task=TaskType.GENERATION, subtask="assertion"), checker)
    assert assertion is not None and assertion.snippet == "assertion"
    assert syntax_scoring(TaskSpec(task=TaskType.GENERATION), checker) is None
    assert syntax_scoring(TaskSpec(task=TaskType.CLASSIFICATION), checker) is None


def test_quality_metrics_of_code_need_each_sample_language() -> None:
    texts = SplitPredictions(
        kind="seq2seq", split="test", references=["x = 1"], predictions=["x = 1"], languages=["python"]
    )
    assert quality_metrics(texts, PYTHON_ASSERTIONS)["ast_validity"] == 1.0
    assert set(quality_metrics(texts)) == {"bleu4", "exact_match", "token_f1"}
    unlabelled = SplitPredictions(kind="seq2seq", split="test", references=["x"], predictions=["x"])
    with pytest.raises(InputError, match="no language for each sample"):
        quality_metrics(unlabelled, PYTHON_ASSERTIONS)
