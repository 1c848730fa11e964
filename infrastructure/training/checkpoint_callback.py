"""After every save: record the checkpoint (step, metrics, sha256 of files), keep the best N + latest M."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from transformers import TrainerCallback
from transformers import TrainerControl as Control
from transformers import TrainerState as State
from transformers import TrainingArguments as Args

from codemill.domain.checkpoint_policy import checkpoints_to_keep
from codemill.domain.training import CheckpointInfo, Mode
from codemill.infrastructure.training.checkpoint_manager import LocalCheckpointManager
from codemill.infrastructure.training.checkpoint_records import write_record
from codemill.infrastructure.training.metric_functions import unprefixed

log = logging.getLogger("codemill.train")
# transformers pickles the whole TrainingArguments next to the weights; nothing reads it back.
_PICKLED_ARGUMENTS = "training_args.bin"


class CheckpointRecorder(TrainerCallback):
    """Writes `codemill_checkpoint.json` into each new checkpoint, then prunes; world process zero only.

    A checkpoint carries the validation metrics measured at its own step (an
    evaluation runs right before each save when they share a schedule); one
    saved between evaluations (Ctrl-C) has none and ranks last for "best".
    An empty `metric` (no validation split) keeps the latest `keep_latest` only.
    """

    def __init__(
        self,
        manager: LocalCheckpointManager,
        *,
        config_hash: str,
        metric: str,
        mode: Mode,
        keep_best: int,
        keep_latest: int,
    ) -> None:
        self.manager = manager
        self.config_hash = config_hash
        self.metric, self.mode = metric, mode
        self.keep_best, self.keep_latest = keep_best, keep_latest
        self.measured: dict[str, float] = {}
        self.measured_at = -1

    def on_evaluate(
        self,
        args: Args,
        state: State,
        control: Control,
        metrics: Mapping[str, float] | None = None,
        **_: Any,
    ) -> None:
        measured = unprefixed(metrics or {}, "eval")
        if measured:
            self.measured, self.measured_at = measured, state.global_step

    def on_save(self, args: Args, state: State, control: Control, **_: Any) -> None:
        if not state.is_world_process_zero:
            return
        root = Path(str(args.output_dir))
        folder = root / f"checkpoint-{state.global_step}"
        (folder / _PICKLED_ARGUMENTS).unlink(missing_ok=True)
        write_record(
            folder,
            step=state.global_step,
            epoch=float(state.epoch or 0.0),
            metrics=self.measured if self.measured_at == state.global_step else {},
            config_hash=self.config_hash,
        )
        deleted = self.manager.prune(str(root), self._to_keep(self.manager.scan(str(root))))
        if deleted:
            log.debug("pruned checkpoints at steps %s", deleted)

    def _to_keep(self, checkpoints: list[CheckpointInfo]) -> set[int]:
        if not self.metric:  # nothing measured: only the latest count
            return {checkpoint.step for checkpoint in checkpoints[-self.keep_latest :]}
        return checkpoints_to_keep(
            checkpoints, self.metric, self.mode, keep_best=self.keep_best, keep_latest=self.keep_latest
        )
