"""The pipeline config: defaults, a TOML or YAML file, `--set` overrides, and the plan they make.

Every field has a default, so `codemill pipeline` runs with no file at all:
the running interpreter's standard library is the corpus, the task is
generation/summarize, and the models are tiny presets sized to finish on
two CPU cores in minutes.
"""

from __future__ import annotations

import copy
import dataclasses
import sysconfig
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import yaml

from codemill.domain.code import Language
from codemill.domain.dataset import SplitConfig, TaskSpec, TaskType
from codemill.domain.distillation import DistillationConfig
from codemill.domain.errors import InputError
from codemill.domain.student_targets import StudentTargets
from codemill.domain.training import TrainingConfig

T = TypeVar("T")
CORPUS, DATASET, TEACHER, STUDENT = "code", "task", "teacher", "student"

DEFAULTS: dict[str, Any] = {
    "collect": {
        "sources": [],  # empty: the standard library of the running Python
        "ref": "",
        "languages": [],
        "workers": 0,  # 0: one per CPU core
        "filters": True,
        "dedup": True,
        "security": False,
        "exclude_tests": True,  # tests are most of a corpus and nearly all rank A: they drown the rest
        "metrics": "",  # full | fast; empty: CODEMILL_COLLECT__METRICS (full)
        "executor": "",  # local | ray; empty: CODEMILL_COLLECT__EXECUTOR (local)
        "ray_address": "",  # HOST:PORT of a Ray head; empty: CODEMILL_COLLECT__RAY_ADDRESS
    },
    "dataset": {
        "task": "classification",
        "label_field": "complexity_rank",  # radon's A..F, learnt from the code alone
        "split": [0.8, 0.1, 0.1],
        "seed": 42,
        "group_by": "file",
        "vocab_size": 2000,
        "max_input_length": 256,
        "max_target_length": 32,
        "max_samples": 8000,  # 0: every sample
    },
    "train": {
        "model": "mini",
        "epochs": 1.0,
        "batch_size": 16,
        "learning_rate": 1e-3,
        "max_input_length": 256,
        "max_target_length": 32,
        "generation_max_length": 32,
    },
    "distill": {
        "enabled": True,
        "student": "micro",  # a fifth of mini's parameters
        "options": {},  # DistillationConfig fields: weights, schedule, preset, temperature, top_k ...
        "train": {"epochs": 3.0},  # the student's training budget: [train] with these changes
        "targets": {"max_params_ratio": 0.25, "min_retention": 0.95, "min_speedup": 2.0},
    },
    "validate": {
        "enabled": True,
        "quick": False,
        "min": {},  # METRIC = VALUE thresholds on the test split
    },
}
_SECTIONS = tuple(DEFAULTS)


def load_config(
    path: str | None, overrides: Sequence[str] = (), base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Defaults (then `base`, a stored config), then the file (TOML or YAML), then each
    `section.key=value`; unknown keys are refused."""
    config = copy.deepcopy(DEFAULTS)
    if base is not None:
        _merge(config, base, where="the stored config")
    if path:
        _merge(config, _read(Path(path)), where=path)
    for override in overrides:
        _merge(config, _override(override), where=f"--set {override}")
    if not config["collect"]["sources"]:
        config["collect"]["sources"] = [sysconfig.get_paths()["stdlib"]]
    return config


def to_toml(config: Mapping[str, Any]) -> str:
    """The effective config as TOML (settings that are unset, None, are left out)."""
    import tomli_w

    return tomli_w.dumps(_without_none(config))


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read pipeline config {path}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text) if path.suffix in {".yaml", ".yml"} else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"pipeline config {path} is not valid {path.suffix.lstrip('.') or 'TOML'}: {first}"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"pipeline config {path} must be a table of sections ({', '.join(_SECTIONS)})")
    return data


def _override(text: str) -> dict[str, Any]:
    key, sep, raw = text.partition("=")
    parts = key.strip().split(".")
    if not sep or len(parts) < 2 or not all(parts):
        raise InputError(f"--set {text!r}: expected SECTION.KEY=VALUE, like train.epochs=3")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()  # a bare word is a string
    nested: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        nested = {part: nested}
    return nested


def _merge(base: dict[str, Any], changes: Mapping[str, Any], *, where: str, path: str = "") -> None:
    for key, value in changes.items():
        dotted = f"{path}{key}"
        free = path.endswith(("options.", "train.", "min.")) or dotted in {"distill.options", "validate.min"}
        if key not in base and not free:
            known = ", ".join(sorted(base)) or "none"
            raise InputError(f"{where}: unknown setting {dotted!r} (known here: {known})")
        if isinstance(base.get(key), dict) and isinstance(value, Mapping):
            _merge(base[key], value, where=where, path=f"{dotted}.")
        else:
            base[key] = value


def _without_none(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {k: _without_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_none(v) for v in data]
    return data


def training_config(values: Mapping[str, Any], *, where: str) -> TrainingConfig:
    """A TrainingConfig from the defaults and `values`, types coerced; one line for a bad one."""
    return settings_of(TrainingConfig, values, where=where)


def distillation_config(values: Mapping[str, Any], *, where: str) -> DistillationConfig:
    """A DistillationConfig from `values` (weights, preset, semantic_scale, ...)."""
    return settings_of(DistillationConfig, values, where=where)


def student_targets(values: Mapping[str, Any], *, where: str) -> StudentTargets:
    """The targets the pipeline holds the student to (max_params_ratio, min_retention, min_speedup)."""
    return settings_of(StudentTargets, values, where=where)


def settings_of(kind: type[T], values: Mapping[str, Any], *, where: str) -> T:
    """A dataclass of settings from `values`, types coerced; an unknown key is refused in one line
    instead of being dropped."""
    known = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(f"[{where}] has unknown settings {unknown} (known: {', '.join(sorted(known))})")
    return validated(kind, dict(values), where=where)


def validated(kind: type[T], values: dict[str, Any], *, where: str) -> T:
    try:
        return pydantic.TypeAdapter(kind).validate_python(values)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        raise InputError(f"[{where}] {field}: {error['msg']}") from None


def task_spec(section: Mapping[str, Any]) -> TaskSpec:
    task, _, subtask = str(section["task"]).partition("/")
    try:
        kind = TaskType(task)
    except ValueError:
        choices = ", ".join(t.value for t in TaskType)
        raise InputError(f"[dataset] task {task!r} is not one of {choices}") from None
    return TaskSpec(task=kind, subtask=subtask, label_field=str(section.get("label_field") or ""))


def split_config(section: Mapping[str, Any]) -> SplitConfig:
    ratios = section["split"]
    if not isinstance(ratios, list) or len(ratios) != 3:
        raise InputError(f"[dataset] split must be three ratios [train, validation, test], got {ratios!r}")
    return validated(
        SplitConfig,
        {
            "train": ratios[0],
            "validation": ratios[1],
            "test": ratios[2],
            "seed": section["seed"],
            "group_by": section["group_by"],
        },
        where="dataset",
    )


def languages(names: Sequence[str]) -> frozenset[Language] | None:
    if not names:
        return None
    try:
        return frozenset(Language(name) for name in names)
    except ValueError:
        choices = ", ".join(lang.value for lang in Language)
        raise InputError(f"[collect] languages {list(names)}: choose among {choices}") from None
