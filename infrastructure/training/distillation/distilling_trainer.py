"""Trainer and Seq2SeqTrainer whose training loss combines distillation components against a teacher."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import PreTrainedModel

from codemill.domain.distillation import LOSSES, ONLINE_LOSSES, DistillationConfig
from codemill.infrastructure.training.distillation import losses
from codemill.infrastructure.training.distillation.logits_table import (
    LogitsTable,
    compute_table,
    kept_classes,
    load_table,
)
from codemill.infrastructure.training.distillation.pooled_components import pooled_components
from codemill.infrastructure.training.distillation.step_log import StepLog, gradient_norms, model_parts
from codemill.infrastructure.training.guarded_trainers import GuardedSeq2SeqTrainer, GuardedTrainer
from codemill.infrastructure.training.model_needs import TaskKind

log = logging.getLogger("codemill.distill")
SAMPLE_INDEX = "sample_index"  # the training row a sample came from: its entry in the logits table


@dataclass
class Distillation:
    """What the distilling trainer needs besides the student: the teacher and how to learn from it."""

    config: DistillationConfig
    kind: TaskKind
    teacher: PreTrainedModel
    width: int  # classes per position
    cache_dir: str | None = None  # the table's folder; None: the teacher runs online
    # Student -> teacher hidden width, one per component that compares hidden states, when widths differ.
    projections: dict[str, nn.Module] = field(default_factory=dict)
    log_file: str | None = None  # the per-step CSV (see step_log); None: not written

    @property
    def projection(self) -> nn.Module | None:
        """The projection of hidden-state matching."""
        return self.projections.get("hidden")


class _Distilling:
    """The training loss: sum over components of weight(step) x value.

    Each component is a sum over real positions (samples, labels of a
    multi-label sample, or target tokens) divided by `num_items_in_batch`,
    the count of real positions in the whole accumulated batch, which the
    Trainer computes (model_accepts_loss_kwargs is set for this trainer).
    So micro-batches add up to the mean over the accumulated batch, exactly
    as one large batch would, however padding is spread, and the Trainer
    does not divide by the accumulation steps again. Without that count
    (a direct call) the batch's own count is used.

    The pooled components (semantic, contrastive) have one value per
    sample: their sum over the micro-batch's samples is divided by the
    count of samples in the whole accumulated batch (counted where the
    Trainer gathers the micro-batches of a step, `get_batch_samples`), so
    they too add up to the mean over the accumulated batch. Contrastive
    negatives are the other samples of the same micro-batch.

    In evaluation the student's own loss is returned, as in TrainModel, so
    eval_loss and the monitored metrics compare with a trained model's.
    The teacher's outputs come from the cached table when there is one, else
    from the teacher run online (always for the components that read hidden states:
    hidden, semantic, contrastive). `step_log` gets every step's values and gradient norms.
    """

    distillation: Distillation
    table: LogitsTable | None
    args: Any
    state: Any
    train_dataset: Any
    data_collator: Any

    def _start_distilling(self, distillation: Distillation) -> None:
        self.distillation = distillation
        distillation.teacher.to(self.args.device).eval()
        for projection in distillation.projections.values():
            projection.to(self.args.device)
        self._window_samples: int | None = None  # samples in the optimizer step's micro-batches
        self._parts = model_parts(self.model)  # type: ignore[attr-defined]
        components = [name for name in LOSSES if distillation.config.uses(name)]
        writes = self.args.process_index == 0
        self.step_log = StepLog(distillation.log_file, components, list(self._parts), writes=writes)
        self.add_callback(self.step_log)  # type: ignore[attr-defined]
        self._sums: dict[str, float] = defaultdict(float)
        self._steps = 0.0  # optimizer steps' worth of micro-batches
        self.last_components: dict[str, float] = {}  # the last micro-batch's raw values
        self.table = None
        if distillation.cache_dir is not None:
            with self.args.main_process_first(desc="teacher outputs"):
                self.table = self._teacher_table(Path(distillation.cache_dir))

    def _teacher_table(self, folder: Path) -> LogitsTable:
        d = self.distillation
        k = kept_classes(d.kind, d.width, d.config.top_k)
        rows = self.train_dataset.remove_columns([SAMPLE_INDEX])
        table = load_table(folder, samples=len(rows), k=k, width=d.width, kind=d.kind)
        if table is not None:
            log.info("teacher outputs read from the cache (%d samples, top %d)", table.samples, k)
            return table
        size = self.args.per_device_eval_batch_size
        batches = DataLoader(rows, batch_size=size, collate_fn=self.data_collator, shuffle=False)
        table = compute_table(d.teacher, batches, kind=d.kind, k=k, width=d.width)
        if self.args.local_process_index == 0:  # the others wait (main_process_first), then read it
            table.save(folder)
        log.info("teacher outputs computed for %d samples (top %d per position)", table.samples, k)
        return table

    def _set_signature_columns_if_needed(self) -> None:
        super()._set_signature_columns_if_needed()  # type: ignore[misc]
        columns: list[str] = self._signature_columns  # type: ignore[attr-defined]
        if SAMPLE_INDEX not in columns:
            columns.append(SAMPLE_INDEX)

    def create_optimizer(self, model: nn.Module | None = None) -> torch.optim.Optimizer:
        optimizer: torch.optim.Optimizer = super().create_optimizer(model)  # type: ignore[misc]
        projections = self.distillation.projections.values()
        if projections:
            parameters = [p for projection in projections for p in projection.parameters()]
            optimizer.add_param_group({"params": parameters, "weight_decay": 0.0})
        return optimizer

    def get_batch_samples(
        self, epoch_iterator: Iterator[Any], num_batches: int, device: torch.device
    ) -> tuple[list[Any], Any]:
        """The Trainer's micro-batches of one optimizer step; their samples are counted here."""
        batches, items = super().get_batch_samples(epoch_iterator, num_batches, device)  # type: ignore[misc]
        self._window_samples = sum(len(batch["labels"]) for batch in batches if "labels" in batch) or None
        return batches, items

    def training_step(
        self, model: nn.Module, inputs: dict[str, Any], num_items_in_batch: torch.Tensor | int | None = None
    ) -> torch.Tensor:
        """The micro-batch's forward and backward; at the one that ends an optimizer step, the gradient
        norms of the model's parts, accumulated and synchronized but not yet clipped."""
        loss: torch.Tensor = super().training_step(model, inputs, num_items_in_batch)  # type: ignore[misc]
        accelerator = self.accelerator  # type: ignore[attr-defined]
        if self.step_log.writes and accelerator.sync_gradients:
            scaler = getattr(accelerator, "scaler", None)
            scale = float(scaler.get_scale()) if scaler is not None and scaler.is_enabled() else 1.0
            self.step_log.norms = gradient_norms(self._parts, scale)
        return loss

    def compute_loss(
        self,
        model: nn.Module,
        inputs: dict[str, Any],
        return_outputs: bool = False,
        num_items_in_batch: torch.Tensor | int | None = None,
    ) -> Any:
        rows = inputs.pop(SAMPLE_INDEX, None)
        if not model.training:
            return super().compute_loss(model, inputs, return_outputs, None)  # type: ignore[misc]
        config = self.distillation.config
        outputs = model(**inputs, output_hidden_states=self._reads_hidden_states)
        values = self._components(outputs, inputs, rows, num_items_in_batch)
        progress = self.state.global_step / max(int(self.state.max_steps or 1), 1)
        weights = config.weights_at(progress)
        loss = torch.stack([weights.get(name, 0.0) * value for name, value in values.items()]).sum()
        self._remember(values, weights, whole_batch=num_items_in_batch is not None)
        return (loss, outputs) if return_outputs else loss

    def _components(
        self, outputs: Any, inputs: dict[str, Any], rows: torch.Tensor | None, items: Any
    ) -> dict[str, torch.Tensor]:
        d, config = self.distillation, self.distillation.config
        labels = inputs["labels"]
        targets, mask = losses.hard_targets(labels, d.kind)
        count = items if items is not None else mask.sum().clamp(min=1)
        student = losses.as_distributions(outputs.logits, d.kind)
        teacher_logits, teacher_out = self._teacher(inputs, rows, labels)
        teacher = losses.as_distributions(teacher_logits, d.kind)
        per_sample = self._per_sample(outputs, teacher_out, inputs, whole_batch=items is not None)
        per_position: dict[str, Callable[[], torch.Tensor]] = {
            "ce": lambda: losses.cross_entropy(student, targets),
            "focal": lambda: losses.focal(student, targets, config.focal_gamma),
            "kl": lambda: losses.kl_divergence(student, teacher, config.temperature),
            "jsd": lambda: losses.js_divergence(student, teacher, config.temperature),
            "hidden": lambda: self._hidden(outputs, teacher_out, inputs, mask),
        }
        values = {
            name: losses.masked_mean(compute(), mask, count)
            for name, compute in per_position.items()
            if config.uses(name)
        }
        return {**values, **per_sample}

    def _per_sample(
        self, outputs: Any, teacher: Any, inputs: dict[str, Any], *, whole_batch: bool
    ) -> dict[str, torch.Tensor]:
        """The pooled components, divided by the accumulated batch's count of samples (this batch's
        without `num_items_in_batch`; without the Trainer's count, batch size x accumulation steps)."""
        samples = len(inputs["labels"])
        if whole_batch:
            steps = int(getattr(self, "current_gradient_accumulation_steps", 1) or 1)
            samples = self._window_samples or samples * steps
        return pooled_components(self.distillation, outputs, teacher, inputs, samples)

    @property
    def _reads_hidden_states(self) -> bool:
        return any(self.distillation.config.uses(name) for name in ONLINE_LOSSES)

    def _teacher(self, inputs: dict[str, Any], rows: torch.Tensor | None, labels: torch.Tensor) -> Any:
        """The teacher's logits for the batch (cached, else online) and its online outputs (or None)."""
        d = self.distillation
        online = None
        if self.table is None or self._reads_hidden_states:
            with torch.no_grad():
                online = d.teacher(**inputs, output_hidden_states=self._reads_hidden_states)
        if self.table is not None and rows is not None:
            length = labels.shape[1] if d.kind == "seq2seq" else None
            return self.table.dense(rows, length, labels.device), online
        assert online is not None, "a batch without sample indices needs the online teacher"  # nosec B101  # an invariant for the type checker, not a security check
        return online.logits, online

    def _hidden(self, outputs: Any, teacher: Any, inputs: dict[str, Any], mask: torch.Tensor) -> torch.Tensor:
        d = self.distillation
        if d.kind == "seq2seq":
            student_h, teacher_h = outputs.decoder_hidden_states[-1], teacher.decoder_hidden_states[-1]
            return losses.hidden_distance(student_h, teacher_h, d.config.hidden, d.projection)
        student_h, teacher_h = outputs.hidden_states[-1], teacher.hidden_states[-1]
        per_token = losses.hidden_distance(student_h, teacher_h, d.config.hidden, d.projection)
        per_sample = losses.token_mean(per_token, inputs.get("attention_mask"))
        return per_sample if d.kind == "single_label" else per_sample.unsqueeze(-1).expand_as(mask)

    def _remember(
        self, values: dict[str, torch.Tensor], weights: dict[str, float], *, whole_batch: bool
    ) -> None:
        """Micro-batch values normalized by the whole accumulated batch add up to one step's value."""
        per_step = 1.0 / int(getattr(self, "current_gradient_accumulation_steps", 1) or 1)
        share = per_step if whole_batch else 1.0
        self._steps += share
        self.last_components = {name: float(value.detach()) for name, value in values.items()}
        # A step's value: the sum of its micro-batches' (whole batch), else their mean (the Trainer
        # divides each micro-batch's loss by the accumulation steps).
        self.step_log.add(self.last_components, weights, 1.0 if whole_batch else per_step)
        for name, raw in self.last_components.items():
            self._sums[f"distill_{name}"] += raw
            self._sums[f"distill_{name}_weighted"] += raw * weights.get(name, 0.0)
        for name, weight in weights.items():
            self._sums[f"distill_weight_{name}"] += weight * share

    def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
        """Training log lines also carry each component's raw and weighted value and the schedule's
        weights, averaged over the optimizer steps since the last line."""
        if "loss" in logs and self._steps > 0:
            logs = {**logs, **{key: round(total / self._steps, 6) for key, total in self._sums.items()}}
            self._sums.clear()
            self._steps = 0.0
        super().log(logs, start_time)  # type: ignore[misc]


class DistillingTrainer(_Distilling, GuardedTrainer):
    def __init__(self, *args: Any, distillation: Distillation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_distilling(distillation)


class DistillingSeq2SeqTrainer(_Distilling, GuardedSeq2SeqTrainer):
    def __init__(self, *args: Any, distillation: Distillation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_distilling(distillation)
