"""An effective pipeline config -> the request of each step, named inside the run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codemill.application.collection.collect_data import CollectRequest
from codemill.application.datasets.build_dataset import BuildDatasetRequest
from codemill.application.distillation.distill_model import DistillRequest
from codemill.application.pipeline.plan import PipelinePlan
from codemill.application.training.train_model import TrainRequest
from codemill.application.validation.validate_model import ValidateRequest
from codemill.presentation.pipeline_config import (
    CORPUS,
    DATASET,
    STUDENT,
    TEACHER,
    distillation_config,
    languages,
    split_config,
    student_targets,
    task_spec,
    training_config,
)


def build_plan(config: Mapping[str, Any]) -> PipelinePlan:
    """Every request is built (and so checked) before any step runs."""
    collect, dataset, train = config["collect"], config["dataset"], config["train"]
    teacher_config = training_config(train, where="train")
    return PipelinePlan(
        config=config,
        collect=CollectRequest(
            sources=[str(s) for s in collect["sources"]],
            name=CORPUS,
            ref=collect["ref"] or None,
            languages=languages(collect["languages"]),
            workers=int(collect["workers"]) or None,
            apply_filters=bool(collect["filters"]),
            dedup=bool(collect["dedup"]),
            security=bool(collect["security"]),
            exclude_tests=bool(collect["exclude_tests"]),
            metrics=str(collect["metrics"]) or None,
            executor=str(collect["executor"]) or ("ray" if collect["ray_address"] else None),
            executor_address=str(collect["ray_address"]) or None,
        ),
        dataset=BuildDatasetRequest(
            name=DATASET,
            task=task_spec(dataset),
            corpus=CORPUS,
            split=split_config(dataset),
            vocab_size=int(dataset["vocab_size"]),
            max_input_length=int(dataset["max_input_length"]),
            max_target_length=int(dataset["max_target_length"]),
            max_samples=int(dataset["max_samples"]) or None,
        ),
        train=TrainRequest(dataset=DATASET, name=TEACHER, config=teacher_config),
        distill=_distill(config, train) if config["distill"]["enabled"] else None,
        validate=_validate(config) if config["validate"]["enabled"] else None,
        targets=student_targets(config["distill"]["targets"], where="distill.targets"),
    )


def _distill(config: Mapping[str, Any], train: Mapping[str, Any]) -> DistillRequest:
    section = config["distill"]
    student = str(section["student"])
    # The student trains in full unless distill.train asks for LoRA itself.
    student_train = {**train, "lora": "", **section["train"], "model": student}
    budget = training_config(student_train, where="distill.train")
    options = distillation_config(section["options"], where="distill.options")
    return DistillRequest(
        teacher=TEACHER, dataset=DATASET, name=STUDENT, student=student, config=budget, distillation=options
    )


def _validate(config: Mapping[str, Any]) -> ValidateRequest:
    section = config["validate"]
    model = STUDENT if config["distill"]["enabled"] else TEACHER
    minimums = {str(k): float(v) for k, v in section["min"].items()}
    return ValidateRequest(model=model, dataset=DATASET, quick=bool(section["quick"]), minimums=minimums)
