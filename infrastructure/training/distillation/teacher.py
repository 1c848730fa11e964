"""The teacher: loaded from its folder, checked against the dataset and the student; students made from it."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transformers import (
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from codemill.domain.distillation import STUDENT_HALF
from codemill.domain.errors import InputError, first_line
from codemill.infrastructure.inference.model_folder import open_model_folder
from codemill.infrastructure.training.model_needs import ModelNeeds, TaskKind
from codemill.infrastructure.training.model_presets import load_model

_STACK = re.compile(r"^(.*?\.?(?:layer|block))\.(\d+)\.(.*)$")  # the first numbered stack in a key
_DEPTH = ("num_hidden_layers", "num_layers", "num_decoder_layers")
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.json")


def load_teacher(folder: str) -> PreTrainedModel:
    """The model in `folder`, loaded as validation loads it (safetensors only, no remote code, every
    weight of its architecture present), in eval mode on the CPU."""
    return open_model_folder(folder, device="cpu").model


def student_builder(teacher: PreTrainedModel) -> Callable[[str, ModelNeeds], PreTrainedModel]:
    """Builds the student: 'half' is the teacher's architecture with half its layers, fresh weights;
    a preset or a path loads as in training."""

    def build(name: str, needs: ModelNeeds) -> PreTrainedModel:
        return half_of(teacher) if name == STUDENT_HALF else load_model(name, needs)

    return build


def half_of(teacher: PreTrainedModel) -> PreTrainedModel:
    config = copy.deepcopy(teacher.config)
    depths = [name for name in _DEPTH if isinstance(getattr(config, name, None), int)]
    if not depths:
        known = ", ".join(_DEPTH)
        raise InputError(f"student '{STUDENT_HALF}' needs a teacher whose depth is known ({known})")
    for name in depths:
        setattr(config, name, max(1, getattr(config, name) // 2))
    student: PreTrainedModel = type(teacher)(config)
    if getattr(teacher, "generation_config", None) is not None:
        student.generation_config = copy.deepcopy(teacher.generation_config)
    return student


def check_teacher(
    teacher: PreTrainedModel,
    student: PreTrainedModel,
    *,
    kind: TaskKind,
    labels: tuple[str, ...],
    tokenizer: PreTrainedTokenizerBase,
    teacher_dir: str,
    student_source: str,
) -> None:
    """One-line InputErrors: another kind of task, other labels, another vocabulary, other output sizes."""
    if bool(teacher.config.is_encoder_decoder) != (kind == "seq2seq"):
        what = "generates text" if teacher.config.is_encoder_decoder else "classifies"
        raise InputError(f"the teacher {what}, but the dataset is a {kind} task: pick a teacher of this task")
    if kind != "seq2seq":
        _check_labels(teacher, labels, kind)
    check_vocabulary(teacher_dir, tokenizer, "teacher")
    if Path(student_source).is_dir():
        check_vocabulary(student_source, tokenizer, "student")
    widths = (output_width(teacher), output_width(student))
    if widths[0] != widths[1]:
        raise InputError(
            f"the teacher scores {widths[0]} classes per position but the student {widths[1]}: "
            "teacher and student must share the dataset's tokenizer and labels"
        )


def init_from_teacher(student: PreTrainedModel, teacher: PreTrainedModel) -> int:
    """Copy the teacher's weights into a student of the same width, DistilBERT-style: student layer i of
    each stack takes teacher layer i * (teacher depth // student depth), so every other layer for a student
    half as deep. Returns how many tensors were copied; InputError if any does not fit."""
    if type(student) is not type(teacher):
        raise InputError(
            f"cannot initialise a {type(student).__name__} student from a {type(teacher).__name__} "
            "teacher: drop --init-from-teacher, or use the student 'half'"
        )
    source = teacher.state_dict()
    strides = _strides(student.state_dict(), source)
    mapped = {}
    for key, tensor in student.state_dict().items():
        match = _STACK.match(key)
        origin = key if match is None else f"{match[1]}.{int(match[2]) * strides[match[1]]}.{match[3]}"
        if origin not in source or source[origin].shape != tensor.shape:
            found = tuple(source[origin].shape) if origin in source else "nothing"
            raise InputError(
                f"cannot initialise the student from the teacher: {key} is {tuple(tensor.shape)} in the "
                f"student but {found} in the teacher; use a student as wide as the teacher ('half')"
            )
        mapped[key] = source[origin]
    student.load_state_dict(mapped)
    return len(mapped)


def hidden_width(model: PreTrainedModel) -> int:
    return int(model.get_input_embeddings().weight.shape[1])  # type: ignore[index]


def _strides(student: dict[str, Any], teacher: dict[str, Any]) -> dict[str, int]:
    def depths(state: dict[str, Any]) -> dict[str, int]:
        found: dict[str, int] = {}
        for key in state:
            if match := _STACK.match(key):
                found[match[1]] = max(found.get(match[1], 0), int(match[2]) + 1)
        return found

    ours, theirs = depths(student), depths(teacher)
    strides = {}
    for stack, depth in ours.items():
        if theirs.get(stack, 0) < depth:
            raise InputError(
                f"cannot initialise the student from the teacher: its {stack} has {depth} layers, "
                f"the teacher's {theirs.get(stack, 0)}"
            )
        strides[stack] = theirs[stack] // depth
    return strides


def label_names_of(model: PreTrainedModel) -> tuple[str, ...]:
    id2label: dict[Any, Any] = dict(model.config.id2label or {})
    return tuple(str(id2label[index]) for index in sorted(id2label, key=int))


def output_width(model: PreTrainedModel) -> int:
    """Classes scored per position: the vocabulary of a generator, the labels of a classifier."""
    if model.config.is_encoder_decoder:
        head: Any = model.get_output_embeddings()  # type: ignore[no-untyped-call]
        return int(head.weight.shape[0])
    return int(model.config.num_labels or 0)


def _check_labels(teacher: PreTrainedModel, labels: tuple[str, ...], kind: TaskKind) -> None:
    theirs = label_names_of(teacher)
    if theirs != labels:
        raise InputError(
            f"the teacher predicts the labels {list(theirs)} but the dataset's are {list(labels)}: "
            "distill on the dataset the teacher was trained for"
        )
    multi = teacher.config.problem_type == "multi_label_classification"
    if multi != (kind == "multi_label"):
        raise InputError(f"the teacher is {'multi' if multi else 'single'}-label but the dataset is {kind}")


def check_vocabulary(folder: str, tokenizer: PreTrainedTokenizerBase, who: str) -> bool:
    """InputError when the tokenizer saved in `folder` is not `tokenizer` (the dataset's); False when the
    folder has no tokenizer of its own (the output sizes are compared instead)."""
    if not any((Path(folder) / name).is_file() for name in _TOKENIZER_FILES):
        return False
    try:
        theirs = AutoTokenizer.from_pretrained(folder, local_files_only=True, trust_remote_code=False)  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
    except Exception as exc:  # transformers raises many unrelated types for one cause
        raise InputError(f"cannot load the {who}'s tokenizer in {folder}: {first_line(exc)}") from None
    if theirs.get_vocab() != tokenizer.get_vocab():
        fix = (
            f"build the dataset with --tokenizer {folder}"
            if who == "teacher"
            else "pick a student with the dataset's tokenizer, or a preset"
        )
        raise InputError(
            f"the {who}'s tokenizer ({len(theirs)} tokens) is not the dataset's ({len(tokenizer)} tokens) "
            f"and teacher and student must share one vocabulary: {fix}"
        )
    return True
