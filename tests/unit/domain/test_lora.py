"""The LoRA spec of `--lora` and `train.lora`."""

from __future__ import annotations

import pytest

from codemill.domain.errors import InputError
from codemill.domain.lora import LoraSpec, parse_lora_spec
from codemill.domain.training import TrainingConfig


def test_an_empty_spec_means_no_lora() -> None:
    assert parse_lora_spec("") is None
    assert parse_lora_spec("  ") is None


def test_a_full_spec_is_parsed_with_its_targets() -> None:
    spec = parse_lora_spec("r=4, alpha=8,dropout=0.1,targets=q,v,o")
    assert spec == LoraSpec(r=4, alpha=8, dropout=0.1, targets=("q", "v", "o"))


def test_missing_parts_take_the_defaults() -> None:
    assert parse_lora_spec("r=16") == LoraSpec(r=16, alpha=16, dropout=0.05, targets=())


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("rank=8", "unknown part 'rank=8'"),
        ("r", "unknown part 'r'"),
        ("r=eight", "r='eight' is not a whole number"),
        ("r=8,dropout=lots", "dropout='lots' is not a number"),
        ("r=0", "r must be >= 1"),
        ("r=8,dropout=1", "dropout in \\[0, 1\\)"),
        ("r=8,targets=", "targets= names no module"),
    ],
)
def test_a_malformed_spec_is_one_line_naming_the_part_and_the_form(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem) as caught:
        parse_lora_spec(text)
    assert "\n" not in str(caught.value) and "r=8,alpha=16,dropout=0.05" in str(caught.value)


def test_the_training_config_refuses_a_malformed_spec() -> None:
    assert TrainingConfig(lora="r=8").lora == "r=8"
    with pytest.raises(InputError, match="invalid LoRA spec"):
        TrainingConfig(lora="r=8,alpha=x")
