"""Everything a run needs before the Trainer exists: tokenizer, encoded splits, model, monitored metric."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from transformers import PreTrainedModel, PreTrainedTokenizerBase, set_seed

from codemill.domain.errors import InputError
from codemill.domain.evaluation_metrics import DEFAULT_METRIC
from codemill.domain.lora import parse_lora_spec
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.training import Mode
from codemill.infrastructure.training.checkpoint_manager import LocalCheckpointManager
from codemill.infrastructure.training.checkpoint_records import read_record
from codemill.infrastructure.training.encoding import (
    EncodedSplits,
    encode_splits,
    label_names,
    load_splits,
    load_tokenizer,
)
from codemill.infrastructure.training.lora_adapters import with_lora
from codemill.infrastructure.training.metric_functions import measured
from codemill.infrastructure.training.model_needs import ModelNeeds, TaskKind, task_kind
from codemill.infrastructure.training.model_presets import load_model


@dataclass(frozen=True, kw_only=True)
class PreparedRun:
    kind: TaskKind
    tokenizer: PreTrainedTokenizerBase
    splits: EncodedSplits
    model: PreTrainedModel
    metric: str
    mode: Mode
    model_revision: str | None = None  # the hub commit a pretrained model was loaded at


def prepare_run(
    job: TrainingJob, build_model: Callable[[str, ModelNeeds], PreTrainedModel] = load_model
) -> PreparedRun:
    """Load and check the inputs, cheapest first, so that a bad one fails before any model is built.

    `build_model` makes the model from `job.config.model` (a distillation student may be built from
    its teacher); with `job.config.lora` it is frozen and gets LoRA adapters."""
    tokenizer = load_tokenizer(job.dataset_dir)
    raw = load_splits(job.dataset_dir)
    kind = task_kind(job.task, raw["train"].column_names)
    metric, mode = job.config.monitored(DEFAULT_METRIC[job.task.task])
    if metric not in measured(kind, job.task.target_is_code):
        choices = ", ".join(measured(kind, job.task.target_is_code))
        raise InputError(
            f"metric {metric!r} is not measured for a {job.task.task} task; choose one of {choices}"
        )
    names = _label_names(job, label_names(raw["train"], kind))
    set_seed(job.config.seed)  # the initial weights of a from-scratch preset follow the seed
    model = build_model(job.config.model, _needs(job, kind, tokenizer, names))
    commit = getattr(model.config, "_commit_hash", None)  # set by from_pretrained from the hub cache
    spec = parse_lora_spec(job.config.lora)
    if spec is not None:
        model = with_lora(model, spec, kind)  # type: ignore[assignment]  # a PeftModel wraps it
    return PreparedRun(
        kind=kind,
        tokenizer=tokenizer,
        splits=encode_splits(raw, tokenizer, kind, job.config),
        model=model,
        metric=metric,
        mode=mode,
        model_revision=commit if isinstance(commit, str) and commit else None,
    )


def checked_resume_point(job: TrainingJob, manager: LocalCheckpointManager) -> str | None:
    """The checkpoint folder to resume from, once its record and checksums verify; None for a new run."""
    if job.resume_from is None:
        return None
    folder = Path(job.resume_from)
    info = read_record(folder) if folder.is_dir() else None
    if info is None:
        raise InputError(
            f"cannot resume from {folder}: not a checkpoint folder with codemill_checkpoint.json"
        )
    problems = manager.verify(info)
    if problems:
        raise InputError(f"cannot resume from {folder}: " + "; ".join(problems))
    return str(folder)


def _label_names(job: TrainingJob, stored: tuple[str, ...]) -> tuple[str, ...]:
    """The dataset's class names, which give the label ids; the job's, when given, must agree."""
    if job.label_names and tuple(job.label_names) != stored:
        raise InputError(
            f"the label map lists {list(job.label_names)} but the data's labels are {list(stored)}: "
            "rebuild the dataset"
        )
    return stored


def _needs(
    job: TrainingJob, kind: TaskKind, tokenizer: PreTrainedTokenizerBase, names: tuple[str, ...]
) -> ModelNeeds:
    pad = tokenizer.pad_token_id
    bos = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.cls_token_id
    eos = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else tokenizer.sep_token_id
    return ModelNeeds(
        kind=kind,
        vocab_size=len(tokenizer),
        label_names=names,
        max_input_length=job.config.max_input_length,
        pad_token_id=int(pad if pad is not None else 0),
        bos_token_id=int(bos if bos is not None else 1),
        eos_token_id=int(eos if eos is not None else 2),
        revision=job.config.revision,
    )
