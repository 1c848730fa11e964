"""ModelTrainer with the transformers Trainer (Seq2SeqTrainer for generation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transformers import PrinterCallback, Trainer, TrainerCallback

from codemill.domain.checkpoint_policy import best_checkpoint
from codemill.domain.errors import IntegrityError
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.ports.progress import ProgressReporter
from codemill.domain.ports.syntax_checker import SyntaxChecker
from codemill.domain.training import TrainingOutcome
from codemill.infrastructure.inference.quiet_libraries import library_bars_off
from codemill.infrastructure.tracking.tensorboard_events import EVENTS_FOLDER
from codemill.infrastructure.training.best_model_export import export_best_model
from codemill.infrastructure.training.callbacks import EarlyStopping, RunGuard, TrainingProgress
from codemill.infrastructure.training.checkpoint_callback import CheckpointRecorder
from codemill.infrastructure.training.checkpoint_manager import LocalCheckpointManager
from codemill.infrastructure.training.encoding import collator
from codemill.infrastructure.training.final_evaluation import evaluate_checkpoint
from codemill.infrastructure.training.guarded_trainers import GuardedSeq2SeqTrainer, GuardedTrainer
from codemill.infrastructure.training.lora_adapters import is_adapted, parameter_figures
from codemill.infrastructure.training.lora_merge import export_merged_model
from codemill.infrastructure.training.metric_functions import (
    CodeTargetScoring,
    code_target_scoring,
    metrics_function,
)
from codemill.infrastructure.training.reporting import prepare_reporter, reporting
from codemill.infrastructure.training.run_flags import RunFlags, interrupt_sets_flag
from codemill.infrastructure.training.training_arguments import training_arguments
from codemill.infrastructure.training.training_setup import PreparedRun, checked_resume_point, prepare_run

if TYPE_CHECKING:
    from codemill.infrastructure.training.distillation.distilling_trainer import Distillation

CHECKPOINTS, BEST_MODEL = "checkpoints", "best_model"
LIVE_EVENTS = f"{EVENTS_FOLDER}/live"  # TensorBoard events written as training goes (report_to tensorboard)


class HfModelTrainer:
    """ModelTrainer (see the port) on transformers' Trainer, no training loop of its own.

    Contract, beyond the port's:
    - the dataset folder is read, never written; its tokenizer sizes the
      preset models and goes into every checkpoint;
    - a resume point must verify (record and sha256s) or the run is refused;
    - without a validation split nothing is measured during training and
      the latest checkpoint counts as the best;
    - the best checkpoint's model alone (weights, config, tokenizer; no trainer
      state) is copied to `output_dir/best_model/` (`best_model_dir`); a LoRA
      run's adapters are merged into it first, the merge checked on validation
      inputs (see `lora_merge`), and the adapter files kept in `adapter/`;
    - an interrupted run returns at once: no final evaluation (`metrics`
      empty), no `best_model_dir`;
    - `extra_callbacks` join the Trainer's (for monitoring, and for tests);
    - `config.report_to` turns on transformers' own integration: TensorBoard
      events in `output_dir/tensorboard/live/` (published with the run's
      `tensorboard/` folder), or one MLflow run named `job.name` over training
      and the final evaluation; a missing package is refused in one line
      before any work;
    - a generation task whose target is code is also scored for ast_validity
      (through `syntax_checker`, tree-sitter by default) and ngram_similarity,
      on every evaluation, each prediction in its sample's language.
    """

    def __init__(
        self,
        checkpoints: LocalCheckpointManager | None = None,
        *,
        extra_callbacks: Sequence[TrainerCallback] = (),
        syntax_checker: SyntaxChecker | None = None,
    ) -> None:
        self._checkpoints = checkpoints or LocalCheckpointManager()
        self._extra_callbacks = tuple(extra_callbacks)
        self._syntax_checker = syntax_checker

    def train(self, job: TrainingJob, progress: ProgressReporter) -> TrainingOutcome:
        prepare_reporter(job.config.report_to)
        with library_bars_off():
            try:
                return self._train(job, progress)
            finally:
                _leave_process_group()

    def _train(self, job: TrainingJob, progress: ProgressReporter) -> TrainingOutcome:
        resume = checked_resume_point(job, self._checkpoints)
        run, distillation = _prepared(job)
        flags = RunFlags()
        code = code_target_scoring(job.task, run.kind, run.splits.languages, self._syntax_checker)
        trainer = self._trainer(job, run, flags, progress, distillation, code)
        with reporting(trainer, Path(job.output_dir) / LIVE_EVENTS):
            return self._run(trainer, job, run, flags, resume, distillation, code)

    def _run(
        self,
        trainer: Trainer,
        job: TrainingJob,
        run: PreparedRun,
        flags: RunFlags,
        resume: str | None,
        distillation: Distillation | None,
        code: CodeTargetScoring | None,
    ) -> TrainingOutcome:
        """Train, then score the best checkpoint and export it (not after an interruption)."""
        with interrupt_sets_flag(flags):
            result = trainer.train(resume_from_checkpoint=resume)
        trainer.accelerator.wait_for_everyone()  # rank 0 has written the last record
        history = _history(trainer.state.log_history)  # training and validation, not the final score
        saved = self._checkpoints.scan(str(Path(job.output_dir) / CHECKPOINTS))
        last = saved[-1] if saved else None
        best = best_checkpoint(saved, run.metric, run.mode) if run.splits.validation is not None else last
        final, best_model_dir = {}, None
        lora = parameter_figures(run.model) if is_adapted(run.model) else {}
        if best is not None and not flags.interrupted:
            final = evaluate_checkpoint(trainer, run.model, Path(best.location), run.splits, code)
            target = Path(job.output_dir) / BEST_MODEL
            best_model_dir, merge = _export(trainer, run, Path(best.location), target)
            lora.update(merge)
        return TrainingOutcome(
            best=best,
            last=last,
            metrics=final,
            history=history,
            stopped_early=flags.stopped_early,
            interrupted=flags.interrupted,
            diverged=flags.diverged,
            samples_per_second=float(result.metrics.get("train_samples_per_second", 0.0)),
            best_model_dir=best_model_dir,
            run_files=_run_files(Path(job.output_dir), distillation),
            lora=lora,
            model_revision=run.model_revision,
        )

    def _trainer(
        self,
        job: TrainingJob,
        run: PreparedRun,
        flags: RunFlags,
        progress: ProgressReporter,
        distillation: Distillation | None = None,
        code: CodeTargetScoring | None = None,
    ) -> Trainer:
        config = job.config
        evaluate = run.splits.validation is not None
        args = training_arguments(
            config,
            output_dir=str(Path(job.output_dir) / CHECKPOINTS),
            kind=run.kind,
            evaluate=evaluate,
            run_name=job.name or None,
        )
        recorder = CheckpointRecorder(
            self._checkpoints,
            config_hash=job.config_hash,
            metric=run.metric if evaluate else "",
            mode=run.mode,
            keep_best=config.keep_best,
            keep_latest=config.keep_latest,
        )
        callbacks: list[TrainerCallback] = [RunGuard(flags), recorder, TrainingProgress(progress)]
        if config.early_stopping_patience is not None and evaluate:
            callbacks.append(
                EarlyStopping(
                    flags,
                    metric=run.metric,
                    mode=run.mode,
                    patience=config.early_stopping_patience,
                    min_delta=config.early_stopping_min_delta,
                )
            )
        trainer_class, extra = _trainer_class(run, distillation)
        trainer: Trainer = trainer_class(
            model=run.model,
            args=args,
            train_dataset=run.splits.train,
            eval_dataset=run.splits.validation,
            data_collator=collator(run.kind, run.tokenizer, run.model),
            processing_class=run.tokenizer,
            compute_metrics=metrics_function(run.kind, run.tokenizer, code),
            callbacks=[*callbacks, *self._extra_callbacks],
            run_flags=flags,
            **extra,
        )
        trainer.remove_callback(PrinterCallback)  # it prints every log line to stdout
        # Our models average their own loss per batch: transformers must not rescale it by the
        # accumulation steps or the number of ranks. A distilling trainer normalizes its loss by the
        # items of the whole accumulated batch itself: it needs their count, and no rescaling either.
        trainer.model_accepts_loss_kwargs = distillation is not None
        return trainer


def _prepared(job: TrainingJob) -> tuple[PreparedRun, Distillation | None]:
    if job.distillation is None:
        return prepare_run(job), None
    from codemill.infrastructure.training.distillation.setup import prepare_distilling_run

    return prepare_distilling_run(job)


def _trainer_class(run: PreparedRun, distillation: Distillation | None) -> tuple[Any, dict[str, Any]]:
    seq2seq = run.kind == "seq2seq"
    if distillation is None:
        return (GuardedSeq2SeqTrainer if seq2seq else GuardedTrainer), {}
    from codemill.infrastructure.training.distillation.distilling_trainer import (
        DistillingSeq2SeqTrainer,
        DistillingTrainer,
    )

    return (DistillingSeq2SeqTrainer if seq2seq else DistillingTrainer), {"distillation": distillation}


def _run_files(run_dir: Path, distillation: Distillation | None) -> tuple[str, ...]:
    """The per-step distillation log, when one was written (on rank 0)."""
    if distillation is None or distillation.log_file is None or not Path(distillation.log_file).is_file():
        return ()
    return (Path(distillation.log_file).relative_to(run_dir).as_posix(),)


def _export(
    trainer: Trainer, run: PreparedRun, checkpoint: Path, target: Path
) -> tuple[str, dict[str, float]]:
    """The best model folder, and for a LoRA run the figures of its merge check (rank 0 only)."""
    figures: dict[str, float] = {}
    refused: IntegrityError | None = None
    if trainer.is_world_process_zero():
        if is_adapted(run.model):
            batch = _check_batch(trainer, run)
            try:
                figures = export_merged_model(run.model, checkpoint, target, batch, run.kind)
            except IntegrityError as exc:  # raised once every rank is past the barrier, so none waits on
                refused = exc
        else:
            export_best_model(checkpoint, target)
    trainer.accelerator.wait_for_everyone()
    if refused is not None:
        raise refused
    return str(target), figures


def _check_batch(trainer: Trainer, run: PreparedRun, size: int = 8) -> dict[str, Any]:
    """The first inputs of the validation split (else test, else train), collated as in training."""
    splits = run.splits
    split = next(s for s in (splits.validation, splits.test, splits.train) if s is not None and len(s))
    batch: dict[str, Any] = trainer.data_collator([split[index] for index in range(min(size, len(split)))])
    return batch


def _history(log_history: Sequence[Mapping[str, Any]]) -> tuple[dict[str, float], ...]:
    """Logged steps and evaluations with their numeric values only (NaN kept: it tells of divergence)."""
    return tuple(
        {key: float(value) for key, value in entry.items() if isinstance(value, int | float)}
        for entry in log_history
    )


def _leave_process_group() -> None:
    """Under DDP, wait for every rank and close the group, so no rank exits mid-collective."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
