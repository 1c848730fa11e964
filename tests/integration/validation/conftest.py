"""The training fixtures (tiny dataset folders, offline hub, one torch thread), and tiny trained models."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.training.conftest import (  # noqa: F401 - fixtures shared with the training tests
    classification_dir,
    generation_dir,
    offline_hub,
    one_torch_thread,
)
from tests.integration.training.training_data import CLASSIFICATION, GENERATION, training_job


def _train(dataset_dir: Path, task, output: Path, **config) -> Path:
    from codemill.domain.ports.progress import NullProgress
    from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer

    outcome = HfModelTrainer().train(training_job(dataset_dir, task, output, **config), NullProgress())
    assert outcome.best_model_dir is not None
    return Path(outcome.best_model_dir)


@pytest.fixture(scope="session")
def classifier_dir(classification_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """A tiny RoBERTa trained for a few steps on the language task (weights, config, tokenizer)."""
    output = tmp_path_factory.mktemp("classifier-run")
    return _train(classification_dir, CLASSIFICATION, output, max_steps=30, eval_every=15, batch_size=16)


@pytest.fixture(scope="session")
def generator_dir(generation_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """A tiny T5 trained to name methods (it generates non-empty names after 40 steps)."""
    output = tmp_path_factory.mktemp("generator-run")
    return _train(
        generation_dir,
        GENERATION,
        output,
        max_steps=40,
        eval_every=1000,
        batch_size=16,
        learning_rate=3e-3,
        max_target_length=8,
        generation_max_length=8,
    )
