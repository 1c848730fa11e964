import pytest

from codemill.domain.dataset import TaskType
from codemill.domain.errors import InputError
from codemill.presentation.pipeline_config import load_config
from codemill.presentation.pipeline_plan import build_plan


def test_the_default_plan_is_a_complexity_classifier_distilled_into_a_micro_student() -> None:
    plan = build_plan(load_config(None))
    assert plan.dataset.task.task is TaskType.CLASSIFICATION
    assert plan.dataset.task.title == "classification of complexity_rank"
    assert plan.collect.exclude_tests is True
    assert plan.train.config.model == "mini"
    assert plan.distill is not None and plan.distill.student == "micro"
    assert plan.distill.config.epochs == 3.0 and plan.train.config.epochs == 1.0
    assert plan.validate is not None and plan.validate.model == "student"
    assert (plan.targets.max_params_ratio, plan.targets.min_retention, plan.targets.min_speedup) == (
        0.25,
        0.95,
        2.0,
    )


@pytest.mark.parametrize(
    ("task", "title"),
    [("generation/summarize", "generation/summarize"), ("generation/assertion", "generation/assertion")],
)
def test_another_task_is_one_setting_away(task: str, title: str) -> None:
    plan = build_plan(load_config(None, [f"dataset.task={task}"]))
    assert plan.dataset.task.title == title


def test_targets_come_from_the_distill_section_and_unknown_ones_are_refused() -> None:
    plan = build_plan(load_config(None, ["distill.targets.min_speedup=3"]))
    assert plan.targets.min_speedup == 3.0
    with pytest.raises(InputError, match=r"unknown setting 'distill\.targets\.speedup'"):
        load_config(None, ["distill.targets.speedup=3"])
    with pytest.raises(InputError, match="must be positive"):
        build_plan(load_config(None, ["distill.targets.min_speedup=0"]))


def test_train_lora_reaches_the_teacher_only_and_a_bad_spec_is_one_line() -> None:
    plan = build_plan(load_config(None, ["train.lora=r=4,alpha=8,targets=query,value"]))
    assert plan.train.config.lora == "r=4,alpha=8,targets=query,value"
    assert plan.distill is not None and plan.distill.config.lora == ""  # the student trains in full
    with pytest.raises(InputError, match=r"invalid LoRA spec 'r=4,alpha=x'"):
        build_plan(load_config(None, ["train.lora=r=4,alpha=x"]))
