"""Mixed precision: bf16/fp16 only on CUDA, fp32 on CPU, whatever the config asks."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from codemill.domain.ports.progress import NullProgress
from codemill.domain.training import TrainingConfig
from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer
from codemill.infrastructure.training.training_arguments import mixed_precision, training_arguments
from tests.integration.training.training_data import CLASSIFICATION, training_job

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.mark.parametrize(
    ("precision", "bf16_supported", "expected"),
    [
        ("auto", True, "bf16"),
        ("auto", False, "fp16"),
        ("bf16", True, "bf16"),
        ("bf16", False, "fp16"),
        ("fp16", True, "fp16"),
        ("fp32", True, "fp32"),
    ],
)
def test_precision_on_cuda(precision: str, bf16_supported: bool, expected: str) -> None:
    assert mixed_precision(precision, cuda=True, bf16_supported=bf16_supported) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("precision", ["auto", "fp32", "bf16", "fp16"])
def test_fp32_on_cpu_whatever_is_asked(
    precision: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    config = TrainingConfig(precision=precision)  # type: ignore[arg-type]
    args = training_arguments(config, output_dir=str(tmp_path), kind="single_label", evaluate=True)
    assert (args.bf16, args.fp16, args.use_cpu) == (False, False, True)


@needs_cuda
@pytest.mark.gpu
def test_auto_picks_bf16_where_the_gpu_supports_it(tmp_path: Path) -> None:
    args = training_arguments(TrainingConfig(), output_dir=str(tmp_path), kind="single_label", evaluate=True)
    supported = torch.cuda.is_bf16_supported()
    assert (args.bf16, args.fp16, args.use_cpu) == (supported, not supported, False)


@needs_cuda
@pytest.mark.gpu
def test_fp16_is_honoured_on_cuda(tmp_path: Path) -> None:
    config = TrainingConfig(precision="fp16")
    args = training_arguments(config, output_dir=str(tmp_path), kind="seq2seq", evaluate=True)
    assert (args.bf16, args.fp16) == (False, True)


@needs_cuda
@pytest.mark.gpu
def test_a_tiny_model_trains_in_mixed_precision_on_cuda(classification_dir: Path, tmp_path: Path) -> None:
    job = training_job(
        classification_dir, CLASSIFICATION, tmp_path, max_steps=20, eval_every=10, learning_rate=3e-3
    )
    outcome = HfModelTrainer().train(job, NullProgress())
    assert not outcome.diverged and outcome.best is not None
    assert outcome.metrics["accuracy"] > 0.34
