"""A distilling run: the teacher loaded and checked, the student built (or initialised) from it."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from torch import nn

from codemill.domain.distillation import ONLINE_LOSSES
from codemill.domain.errors import InputError
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.infrastructure.training.distillation.distilling_trainer import SAMPLE_INDEX, Distillation
from codemill.infrastructure.training.distillation.step_log import DISTILL_LOG
from codemill.infrastructure.training.distillation.teacher import (
    check_teacher,
    hidden_width,
    init_from_teacher,
    label_names_of,
    load_teacher,
    output_width,
    student_builder,
)
from codemill.infrastructure.training.training_setup import PreparedRun, prepare_run

log = logging.getLogger("codemill.distill")


def prepare_distilling_run(job: TrainingJob) -> tuple[PreparedRun, Distillation]:
    """The run of the student, its training rows numbered (for the teacher's cached outputs), and what
    the distilling trainer needs. Every mismatch with the teacher is an InputError before training."""
    spec = job.distillation
    if spec is None:
        raise InputError("not a distillation job: it names no teacher")
    teacher = load_teacher(spec.teacher_dir)
    run = prepare_run(job, build_model=student_builder(teacher))
    check_teacher(
        teacher,
        run.model,
        kind=run.kind,
        labels=job.label_names or label_names_of(run.model),
        tokenizer=run.tokenizer,
        teacher_dir=spec.teacher_dir,
        student_source=job.config.model,
    )
    if spec.config.init_from_teacher and job.resume_from is None:
        copied = init_from_teacher(run.model, teacher)
        log.info("student initialised from the teacher (%d tensors, every other layer)", copied)
    train = run.splits.train
    numbered = train.add_column(SAMPLE_INDEX, list(range(len(train))))
    run = dataclasses.replace(run, splits=dataclasses.replace(run.splits, train=numbered))
    widths = (hidden_width(run.model), hidden_width(teacher))
    projections: dict[str, nn.Module] = {  # one per component that compares hidden states, if widths differ
        name: nn.Linear(*widths)
        for name in ONLINE_LOSSES
        if spec.config.uses(name) and widths[0] != widths[1]
    }
    cached = not spec.config.needs_online_teacher and spec.cache_dir is not None
    distillation = Distillation(
        config=spec.config,
        kind=run.kind,
        teacher=teacher,
        width=output_width(run.model),
        cache_dir=spec.cache_dir if cached else None,
        projections=projections,
        log_file=str(Path(job.output_dir) / DISTILL_LOG),
    )
    return run, distillation
