"""Fixtures: tiny dataset folders for the three kinds of task, offline hub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.training.training_data import (
    CLASSIFICATION,
    GENERATION,
    LANGUAGE_WORDS,
    MULTI_LABEL,
    RISKS,
    language_samples,
    name_samples,
    risk_samples,
    write_dataset,
)


@pytest.fixture(autouse=True, scope="module")
def offline_hub() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        yield


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread() -> Iterator[None]:
    """Tiny models gain nothing from threads; spinning threads crawl while another process holds a core."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def classification_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    splits = {
        "train": language_samples(240, 1),
        "validation": language_samples(45, 2),
        "test": language_samples(45, 3),
    }
    folder = tmp_path_factory.mktemp("classification")
    return write_dataset(folder, CLASSIFICATION, splits, sorted(LANGUAGE_WORDS))


@pytest.fixture(scope="session")
def generation_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    splits = {"train": name_samples(96, 1), "validation": name_samples(16, 2), "test": name_samples(16, 3)}
    return write_dataset(tmp_path_factory.mktemp("generation"), GENERATION, splits)


@pytest.fixture(scope="session")
def multi_label_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    splits = {"train": risk_samples(96, 1), "validation": risk_samples(24, 2), "test": risk_samples(24, 3)}
    return write_dataset(tmp_path_factory.mktemp("multi_label"), MULTI_LABEL, splits, sorted(RISKS))
