"""The metrics of generation tasks whose target is code: the generation metrics, AST validity, n-grams.

`ast_validity` is the share of predictions that parse (the parsing is a port,
`SyntaxChecker`, passed in) and `ngram_similarity` the position-aware n-gram
similarity (`evaluation_metrics.positional_ngram_similarity`). Neither has a
gradient: they score a model, they cannot be its training loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codemill.domain.dataset import TaskSpec
from codemill.domain.evaluation_metrics import generation_metrics, positional_ngram_similarity
from codemill.domain.ports.syntax_checker import Snippet, SyntaxChecker

CODE_METRICS = ("bleu4", "exact_match", "token_f1", "ast_validity", "ngram_similarity")


@dataclass(frozen=True, kw_only=True)
class SyntaxScoring:
    """What AST validity needs besides the predictions: a checker, and what kind of snippet the target is."""

    checker: SyntaxChecker
    snippet: Snippet


def syntax_scoring(task: TaskSpec, checker: SyntaxChecker) -> SyntaxScoring | None:
    """The syntax scoring of a task whose target is code ('assertion', 'body'); None for the others."""
    if not task.target_is_code:
        return None
    return SyntaxScoring(
        checker=checker, snippet="assertion" if task.effective_subtask == "assertion" else "body"
    )


def code_metrics(
    references: Sequence[str], predictions: Sequence[str], languages: Sequence[str], syntax: SyntaxScoring
) -> dict[str, float]:
    """The metrics of a generation task whose target is code, named as in CODE_METRICS: the generation
    metrics, `ast_validity` of the predictions and `positional_ngram_similarity` as 'ngram_similarity'.
    `languages[i]` is the language of sample i."""
    return {
        **generation_metrics(references, predictions),
        "ast_validity": ast_validity(predictions, languages, syntax.checker, syntax.snippet),
        "ngram_similarity": positional_ngram_similarity(references, predictions),
    }


def ast_validity(
    predictions: Sequence[str], languages: Sequence[str], checker: SyntaxChecker, snippet: Snippet
) -> float:
    """Share of predictions that parse as a `snippet` of their language (`SyntaxChecker.is_valid`), in
    [0, 1], over the predictions whose language the checker supports; 0 when it supports none."""
    if len(predictions) != len(languages):
        raise ValueError(f"{len(predictions)} predictions but {len(languages)} languages")
    supported = {language: checker.supports(language) for language in set(languages)}
    scored = [
        (code, language) for code, language in zip(predictions, languages, strict=True) if supported[language]
    ]
    if not scored:
        return 0.0
    return sum(checker.is_valid(code, language, snippet) for code, language in scored) / len(scored)
