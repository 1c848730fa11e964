"""LoRA runs with peft: a T5 preset trained, resumed and merged; a corrupted merge refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file
from torch import nn
from transformers import TrainerCallback

from codemill.domain.errors import InputError, IntegrityError
from codemill.domain.lora import LoraSpec
from codemill.domain.ports.progress import NullProgress
from codemill.infrastructure.training.best_model_export import export_best_model
from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer
from codemill.infrastructure.training.lora_adapters import ADAPTER_WEIGHTS, parameter_figures, with_lora
from codemill.infrastructure.training.lora_merge import export_merged_model, merged_copy
from codemill.infrastructure.training.model_needs import ModelNeeds
from codemill.infrastructure.training.model_presets import load_model
from tests.integration.training.training_data import GENERATION, training_job

pytest.importorskip("peft", reason="peft is not installed")


class StopAfter(TrainerCallback):
    """Ends a run after `step`, as a crash would, with the schedule of the whole run."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_step_end(self, args: Any, state: Any, control: Any, **_: Any) -> None:
        if state.global_step >= self.step:
            control.should_training_stop = True


def test_a_t5_lora_run_checkpoints_the_adapter_resumes_and_exports_the_merged_model(
    generation_dir: Path, tmp_path: Path
) -> None:
    budget = {"model": "micro", "lora": "r=4,alpha=8,dropout=0.0", "batch_size": 8, "eval_every": 2}
    first = HfModelTrainer(extra_callbacks=[StopAfter(2)]).train(
        training_job(generation_dir, GENERATION, tmp_path, max_steps=4, **budget), NullProgress()
    )
    checkpoint = tmp_path / "checkpoints" / "checkpoint-2"
    assert (checkpoint / ADAPTER_WEIGHTS).is_file() and not (checkpoint / "model.safetensors").exists()
    assert 0 < first.lora["trainable_fraction"] < 0.1
    resumed = HfModelTrainer().train(
        training_job(generation_dir, GENERATION, tmp_path, resume_from=checkpoint, max_steps=4, **budget),
        NullProgress(),
    )
    assert resumed.last is not None and resumed.last.step == 4
    straight = HfModelTrainer().train(
        training_job(generation_dir, GENERATION, tmp_path / "straight", max_steps=4, **budget), NullProgress()
    )
    assert straight.last is not None  # the resumed run ends where an uninterrupted one does
    resumed_weights = load_file(Path(resumed.last.location) / ADAPTER_WEIGHTS)
    for key, value in load_file(Path(straight.last.location) / ADAPTER_WEIGHTS).items():
        torch.testing.assert_close(resumed_weights[key], value)
    best = Path(str(resumed.best_model_dir))
    assert (best / "model.safetensors").is_file() and (best / "adapter" / ADAPTER_WEIGHTS).is_file()
    config = json.loads((best / "config.json").read_text(encoding="utf-8"))
    assert config["architectures"] == ["T5ForConditionalGeneration"]
    assert resumed.lora["merge_max_abs_diff"] <= 1e-4 and resumed.lora["reload_max_abs_diff"] <= 1e-4
    assert resumed.lora["base_max_abs_diff"] > 0


NEEDS = ModelNeeds(kind="single_label", vocab_size=64, label_names=("a", "b", "c"), max_input_length=16)


def _adapted_classifier(folder: Path) -> tuple[nn.Module, dict[str, torch.Tensor]]:
    """A micro RoBERTa with non-zero LoRA B weights, its adapter saved as a checkpoint in `folder`."""
    torch.manual_seed(0)
    adapted = with_lora(
        load_model("micro", NEEDS), LoraSpec(r=4, dropout=0.0), "single_label", init_lora_weights=False
    )
    adapted.save_pretrained(str(folder))  # type: ignore[operator]
    batch = {
        "input_ids": torch.randint(3, 64, (4, 12)),
        "attention_mask": torch.ones(4, 12, dtype=torch.long),
    }
    return adapted, batch


def test_a_sound_merge_verifies_and_keeps_the_adapter_beside_it(tmp_path: Path) -> None:
    adapted, batch = _adapted_classifier(tmp_path / "checkpoint-1")
    figures = export_merged_model(
        adapted, tmp_path / "checkpoint-1", tmp_path / "best", batch, "single_label"
    )
    assert figures["merge_max_abs_diff"] <= 1e-4 < figures["base_max_abs_diff"]
    assert figures["reload_max_abs_diff"] <= 1e-4 and figures["samples"] == 4
    assert (tmp_path / "best" / "adapter" / ADAPTER_WEIGHTS).is_file()
    assert 0 < parameter_figures(adapted)["trainable_fraction"] < 1


def test_a_corrupted_merge_is_refused_with_its_figures_and_nothing_is_published(tmp_path: Path) -> None:
    adapted, batch = _adapted_classifier(tmp_path / "checkpoint-1")

    def corrupted(model: nn.Module) -> nn.Module:
        merged = merged_copy(model)
        with torch.no_grad():
            merged.roberta.encoder.layer[0].attention.self.value.weight[0, 0] += 1.0  # type: ignore[union-attr,index,operator]
        return merged

    with pytest.raises(
        IntegrityError, match=r"merged vs adapted logits differ by [0-9.e-]+ > 0\.0001"
    ) as caught:
        export_merged_model(
            adapted, tmp_path / "checkpoint-1", tmp_path / "best", batch, "single_label", merge=corrupted
        )
    assert "\n" not in str(caught.value) and "nothing is published" in str(caught.value)
    assert not (tmp_path / "best").exists()
    assert [path.name for path in tmp_path.iterdir()] == ["checkpoint-1"]  # no staging folder left


def test_a_lora_checkpoint_is_not_exported_as_a_model_unmerged(tmp_path: Path) -> None:
    _adapted_classifier(tmp_path / "checkpoint-1")
    with pytest.raises(InputError, match="checkpoint-1 holds LoRA adapters, not a model"):
        export_best_model(tmp_path / "checkpoint-1", tmp_path / "export")
    assert not (tmp_path / "export").exists()
