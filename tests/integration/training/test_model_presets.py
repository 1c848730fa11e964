"""From-scratch presets sized to the tokenizer, and the failures of `from_pretrained`, as one-line errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch

from codemill.domain.errors import InputError
from codemill.infrastructure.training.model_needs import ModelNeeds
from codemill.infrastructure.training.model_presets import load_model

LABELS = ("go", "java", "python")


def parameters(model: torch.nn.Module) -> int:
    return sum(parameter.numel() for parameter in model.parameters())


def test_tiny_encoder_is_sized_to_the_tokenizer_and_the_inputs() -> None:
    model = load_model(
        "tiny", ModelNeeds(kind="single_label", vocab_size=400, label_names=LABELS, max_input_length=64)
    )
    config = model.config
    assert type(model).__name__ == "RobertaForSequenceClassification"
    assert (config.vocab_size, config.hidden_size, config.num_hidden_layers) == (400, 64, 2)
    assert (config.num_attention_heads, config.intermediate_size) == (2, 128)
    assert config.max_position_embeddings == 66
    assert (config.pad_token_id, config.bos_token_id, config.eos_token_id) == (0, 1, 2)
    assert config.num_labels == 3 and config.id2label[2] == "python"
    assert 100_000 < parameters(model) < 200_000


def test_multi_label_encoders_use_a_sigmoid_loss() -> None:
    model = load_model("small", ModelNeeds(kind="multi_label", vocab_size=400, label_names=LABELS))
    assert model.config.problem_type == "multi_label_classification"
    assert (model.config.hidden_size, model.config.num_hidden_layers) == (256, 4)


def test_tiny_seq2seq_decodes_from_the_pad_token() -> None:
    model = load_model("tiny", ModelNeeds(kind="seq2seq", vocab_size=400))
    assert type(model).__name__ == "T5ForConditionalGeneration"
    assert (model.config.d_model, model.config.num_layers, model.config.num_decoder_layers) == (64, 2, 2)
    assert model.config.decoder_start_token_id == 0
    assert (model.generation_config.decoder_start_token_id, model.generation_config.eos_token_id) == (0, 2)


def test_classification_needs_label_names() -> None:
    with pytest.raises(InputError, match="label names"):
        load_model("tiny", ModelNeeds(kind="single_label", vocab_size=400))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("./no/such/model", "no such folder"),
        ("someone/absent-model", "cannot load model 'someone/absent-model'"),
    ],
)
def test_unloadable_models_fail_fast_with_one_line(name: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=message) as error:
        load_model(name, ModelNeeds(kind="single_label", vocab_size=400, label_names=LABELS))
    assert "\n" not in str(error.value)
    assert time.monotonic() - started < 10


def test_pickle_weights_are_never_loaded(tmp_path: Path) -> None:
    model = load_model("tiny", ModelNeeds(kind="single_label", vocab_size=400, label_names=LABELS))
    model.config.save_pretrained(tmp_path)
    torch.save(model.state_dict(), tmp_path / "pytorch_model.bin")
    with pytest.raises(InputError, match="cannot load model"):
        load_model(str(tmp_path), ModelNeeds(kind="single_label", vocab_size=400, label_names=LABELS))
