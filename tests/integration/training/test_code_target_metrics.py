"""Code metrics in training: the metric function on real token ids, and a tiny run that reports them."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from transformers import EvalPrediction, PreTrainedTokenizerBase

from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.ports.progress import NullProgress
from codemill.domain.training import TrainingConfig
from codemill.infrastructure.parsing.tree_sitter_syntax_checker import TreeSitterSyntaxChecker
from codemill.infrastructure.training.encoding import (
    IGNORED_LABEL,
    encode_splits,
    load_splits,
    load_tokenizer,
)
from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer
from codemill.infrastructure.training.metric_functions import code_target_scoring, measured, metrics_function
from tests.integration.training.training_data import training_job, write_dataset

ASSERTION = TaskSpec(task=TaskType.GENERATION, subtask="assertion")
NAMES = ["result", "total", "value", "count"]


def assertion_samples(count: int, seed: int) -> list[Sample]:
    """A test with its assertion masked -> the assertion, in Python or Java (alternately)."""
    rng = random.Random(seed)
    samples = []
    for index in range(count):
        name, number = rng.choice(NAMES), rng.randint(0, 9)
        if index % 2:
            text = f"void testIt() {{\n    int {name} = f({number});\n    <mask>\n}}"
            target, language = f"assertEquals({number}, {name});", "java"
        else:
            text = f"def test_it(self):\n    {name} = f({number})\n    <mask>\n"
            target, language = f"self.assertEqual({name}, {number})", "python"
        samples.append(
            Sample(id=f"{seed}-{index}", text=text, target=target, group=str(index), language=language)
        )
    return samples


@pytest.fixture(scope="module")
def assertion_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    splits = {
        "train": assertion_samples(64, 1),
        "validation": assertion_samples(6, 2),
        "test": assertion_samples(4, 3),
    }
    return write_dataset(tmp_path_factory.mktemp("assertion"), ASSERTION, splits)


def ids(tokenizer: PreTrainedTokenizerBase, texts: list[str], pad: int) -> np.ndarray:
    rows = tokenizer(text_target=texts)["input_ids"]
    width = max(len(row) for row in rows)
    return np.array([row + [pad] * (width - len(row)) for row in rows])


def test_the_metric_function_scores_each_split_in_its_own_languages(assertion_dir: Path) -> None:
    tokenizer = load_tokenizer(str(assertion_dir))
    config = TrainingConfig(max_input_length=64, max_eval_samples=4)
    encoded = encode_splits(load_splits(str(assertion_dir)), tokenizer, "seq2seq", config)
    assert encoded.languages["validation"] == ("python", "java", "python", "java")  # cut like the split
    assert len(encoded.languages["test"]) == 4 and "train" not in encoded.languages
    code = code_target_scoring(ASSERTION, "seq2seq", encoded.languages)  # tree-sitter by default
    assert code is not None
    assert code_target_scoring(TaskSpec(task=TaskType.GENERATION, subtask="name"), "seq2seq", {}) is None
    assert measured("seq2seq", code_target=True)[-2:] == ("ast_validity", "ngram_similarity")
    score = metrics_function("seq2seq", tokenizer, code)

    references = list(load_splits(str(assertion_dir))["validation"]["target"][:4])
    predicted = [references[0], references[1][:-1], "self.assertEqual(", references[3]]  # java without ';'
    labels = ids(tokenizer, references, IGNORED_LABEL)  # label padding is -100, as the collator pads it
    metrics = score(
        EvalPrediction(predictions=ids(tokenizer, predicted, int(tokenizer.pad_token_id)), label_ids=labels)
    )
    assert set(metrics) == {"bleu4", "exact_match", "token_f1", "ast_validity", "ngram_similarity"}
    assert metrics["ast_validity"] == 0.5  # the Java one lost its ';', the Python one its arguments
    assert metrics["exact_match"] == 0.5

    code.evaluating("test")  # four test languages: the same predictions fit; a wrong count is an error
    assert (
        score(EvalPrediction(predictions=ids(tokenizer, predicted, 0), label_ids=labels))["ast_validity"]
        == 0.5
    )
    code.evaluating("train")
    with pytest.raises(ValueError, match="4 predictions on the train split but 0 languages"):
        score(EvalPrediction(predictions=ids(tokenizer, predicted, 0), label_ids=labels))
    plain = metrics_function("seq2seq", tokenizer)(EvalPrediction(predictions=labels, label_ids=labels))
    assert plain == {"bleu4": pytest.approx(100.0), "exact_match": 1.0, "token_f1": 1.0}


def test_training_a_code_target_reports_code_metrics_on_every_evaluation(
    assertion_dir: Path, tmp_path: Path
) -> None:
    job = training_job(
        assertion_dir,
        ASSERTION,
        tmp_path,
        max_steps=8,
        eval_every=4,
        batch_size=16,
        generation_max_length=12,
        metric="ngram_similarity",
    )
    outcome = HfModelTrainer(syntax_checker=TreeSitterSyntaxChecker()).train(job, NullProgress())
    assert outcome.best is not None and {"ast_validity", "ngram_similarity"} <= set(outcome.best.metrics)
    evaluations = [entry for entry in outcome.history if "eval_loss" in entry]
    assert len(evaluations) == 2 and all("eval_ast_validity" in entry for entry in evaluations)
    assert {"bleu4", "exact_match", "token_f1", "ast_validity", "ngram_similarity", "loss"} <= set(
        outcome.metrics
    )
    assert 0 <= outcome.metrics["ast_validity"] <= 1 and 0 <= outcome.metrics["ngram_similarity"] <= 1
