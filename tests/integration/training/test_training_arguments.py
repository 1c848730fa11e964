"""TrainingConfig -> TrainingArguments: the schedule, warmup, and what transformers must not do for us."""

from __future__ import annotations

from pathlib import Path

from transformers import Seq2SeqTrainingArguments

from codemill.domain.training import TrainingConfig
from codemill.infrastructure.training.training_arguments import training_arguments


def test_a_classification_run_maps_every_field(tmp_path: Path) -> None:
    config = TrainingConfig(
        epochs=2,
        batch_size=4,
        eval_batch_size=8,
        gradient_accumulation=2,
        learning_rate=1e-3,
        warmup=0.2,
        scheduler="cosine",
        eval_every=7,
        seed=3,
    )
    args = training_arguments(config, output_dir=str(tmp_path), kind="single_label", evaluate=True)
    assert (args.num_train_epochs, args.max_steps) == (2, -1)
    assert (args.per_device_train_batch_size, args.per_device_eval_batch_size) == (4, 8)
    assert (args.gradient_accumulation_steps, args.learning_rate, args.seed) == (2, 1e-3, 3)
    assert args.warmup_steps == 0.2  # below 1: a ratio of the total steps
    assert args.lr_scheduler_type.value == "cosine"
    assert (args.eval_strategy.value, args.save_strategy.value) == ("steps", "steps")
    assert (args.eval_steps, args.save_steps) == (7, 7)
    assert args.save_total_limit is None and args.load_best_model_at_end is False
    assert args.report_to == [] or args.report_to == "none"
    assert (args.dataloader_num_workers, args.disable_tqdm, args.logging_nan_inf_filter) == (0, True, False)


def test_epochs_schedule_steps_warmup_and_no_validation(tmp_path: Path) -> None:
    config = TrainingConfig(max_steps=50, warmup=5)
    args = training_arguments(config, output_dir=str(tmp_path), kind="single_label", evaluate=False)
    assert args.max_steps == 50 and args.warmup_steps == 5
    assert (args.eval_strategy.value, args.save_strategy.value) == ("no", "epoch")


def test_seq2seq_generates_up_to_the_configured_length(tmp_path: Path) -> None:
    config = TrainingConfig(generation_max_length=12, num_beams=3)
    args = training_arguments(config, output_dir=str(tmp_path), kind="seq2seq", evaluate=True)
    assert isinstance(args, Seq2SeqTrainingArguments)
    assert args.predict_with_generate is True
    assert (args.generation_max_length, args.generation_num_beams) == (12, 3)


def test_report_to_and_the_run_name_reach_transformers(tmp_path: Path) -> None:
    config = TrainingConfig(report_to="mlflow")
    args = training_arguments(
        config, output_dir=str(tmp_path), kind="single_label", evaluate=True, run_name="r1"
    )
    assert (args.report_to, args.run_name) == (["mlflow"], "r1")
