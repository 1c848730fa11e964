"""Trainer callbacks: stop on divergence or Ctrl-C, stop early by our metric, show progress."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from typing import Any

import torch
from transformers import TrainerCallback
from transformers import TrainerControl as Control
from transformers import TrainerState as State
from transformers import TrainingArguments as Args

from codemill.domain.ports.progress import ProgressBar, ProgressReporter
from codemill.domain.training import Mode
from codemill.infrastructure.training.run_flags import RunFlags

log = logging.getLogger("codemill.train")
_LOSSES = ("loss", "eval_loss")


class RunGuard(TrainerCallback):
    """Acts on the run flags after each optimizer step.

    - diverged (a NaN/inf loss in a step, or in a log): stop, and neither
      evaluate nor save that state; the last good checkpoint stays;
    - Ctrl-C asked: save a checkpoint at this step, stop, mark `interrupted`;
    - under DDP, on each save: wait until every rank has written its share of
      the checkpoint (its RNG state), so that the callbacks after this one
      (the checkpoint record) see the whole folder.
    """

    def __init__(self, flags: RunFlags) -> None:
        self.flags = flags

    def on_step_end(self, args: Args, state: State, control: Control, **_: Any) -> None:
        _agree_across_ranks(args, self.flags)
        if self.flags.diverged:
            log.warning("the loss is NaN or infinite at step %d: stopping", state.global_step)
            _stop_without_saving(control)
        elif self.flags.interrupt_requested and not self.flags.interrupted:
            log.warning("interrupted: saving a checkpoint at step %d and stopping", state.global_step)
            self.flags.interrupted = True
            control.should_save = True
            control.should_training_stop = True

    def on_save(self, args: Args, state: State, control: Control, **_: Any) -> None:
        _wait_for_every_rank(args)

    def on_epoch_end(self, args: Args, state: State, control: Control, **_: Any) -> None:
        if self.flags.diverged or self.flags.interrupted:
            control.should_evaluate = False
            control.should_save = False

    def on_log(
        self,
        args: Args,
        state: State,
        control: Control,
        logs: Mapping[str, Any] | None = None,
        **_: Any,
    ) -> None:
        values = [logs.get(key) for key in _LOSSES] if logs else []
        if any(isinstance(value, float) and not math.isfinite(value) for value in values):
            self.flags.diverged = True
            _stop_without_saving(control)


class EarlyStopping(TrainerCallback):
    """Stops when `metric` has not improved by more than `min_delta` for `patience` evaluations."""

    def __init__(self, flags: RunFlags, *, metric: str, mode: Mode, patience: int, min_delta: float) -> None:
        self.flags, self.metric, self.mode = flags, metric, mode
        self.patience, self.min_delta = patience, min_delta
        self.best: float | None = None
        self.waited = 0

    def on_evaluate(
        self,
        args: Args,
        state: State,
        control: Control,
        metrics: Mapping[str, float] | None = None,
        **_: Any,
    ) -> None:
        value = (metrics or {}).get(f"eval_{self.metric}")
        if value is None:
            return  # not a validation pass (the final test evaluation, for one)
        if self._improves(value):
            self.best, self.waited = value, 0
            return
        self.waited += 1
        if self.waited >= self.patience:
            log.info("no improvement of %s for %d evaluations: stopping early", self.metric, self.waited)
            self.flags.stopped_early = True
            control.should_training_stop = True

    def _improves(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta


class TrainingProgress(TrainerCallback):
    """One bar over the optimizer steps with the last logged loss and samples/s (main process only)."""

    def __init__(self, progress: ProgressReporter) -> None:
        self.progress = progress
        self.bar: ProgressBar | None = None
        self.loss: float | None = None
        self.seen = 0
        self.started = 0.0
        self.first_step = 0

    def on_train_begin(self, args: Args, state: State, control: Control, **_: Any) -> None:
        if state.is_world_process_zero:
            self.bar = self.progress.bar("training", total=state.max_steps, unit="step")
            self.seen = self.first_step = state.global_step
            self.started = time.monotonic()

    def on_step_end(self, args: Args, state: State, control: Control, **_: Any) -> None:
        if self.bar is None:
            return
        elapsed = max(time.monotonic() - self.started, 1e-9)
        samples = (state.global_step - self.first_step) * args.train_batch_size
        samples *= args.gradient_accumulation_steps * args.world_size
        status = {"loss": self.loss} if self.loss is not None else {}
        self.bar.advance(state.global_step - self.seen, **status, samples_per_s=round(samples / elapsed, 1))
        self.seen = state.global_step

    def on_log(
        self,
        args: Args,
        state: State,
        control: Control,
        logs: Mapping[str, Any] | None = None,
        **_: Any,
    ) -> None:
        if logs and isinstance(logs.get("loss"), float):
            self.loss = round(logs["loss"], 4)

    def on_train_end(self, args: Args, state: State, control: Control, **_: Any) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _agree_across_ranks(args: Args, flags: RunFlags) -> None:
    """Under DDP every rank must stop at the same step: a flag raised on one rank is raised on all."""
    if args.world_size <= 1 or not torch.distributed.is_initialized():
        return
    raised = torch.tensor([float(flags.diverged), float(flags.interrupt_requested)], device=args.device)
    torch.distributed.all_reduce(raised, op=torch.distributed.ReduceOp.MAX)
    flags.diverged = flags.diverged or bool(raised[0])
    flags.interrupt_requested = flags.interrupt_requested or bool(raised[1])


def _wait_for_every_rank(args: Args) -> None:
    if args.world_size > 1 and torch.distributed.is_initialized():
        torch.distributed.barrier()


def _stop_without_saving(control: Control) -> None:
    control.should_training_stop = True
    control.should_save = False
    control.should_evaluate = False
