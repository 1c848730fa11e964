"""The checks ValidateModel runs, each turning its own errors into a failed check with one line."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from codemill.domain.code_metrics import SyntaxScoring
from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.errors import CodemillError, InputError, first_line
from codemill.domain.model_speed import SpeedFigures
from codemill.domain.ports.dataset_repository import DatasetRepository
from codemill.domain.ports.model_inspector import FolderFindings, LoadedModel
from codemill.domain.quality_metrics import argmax_rows, confusion_matrix, quality_metrics
from codemill.domain.validation import CheckResult, SplitPredictions, unmet_thresholds

log = logging.getLogger("codemill.validate")

SMOKE_TEXTS = (
    "def add(a, b):\n    return a + b\n",
    "class Stack:\n    def push(self, item):\n        self.items.append(item)\n",
    'func main() {\n    fmt.Println("hello")\n}\n',
    "public int size() { return count; }",
)
_KINDS_OF_TASK = {
    TaskType.GENERATION: ("seq2seq",),
    TaskType.CLASSIFICATION: ("single_label",),
    TaskType.SECURITY: ("single_label", "multi_label"),
}


@dataclass(frozen=True, kw_only=True)
class DatasetInput:
    """A dataset to score the model on: its local folder, task (and subtask) and class names."""

    name: str
    folder: str
    task: TaskType
    label_names: tuple[str, ...]
    subtask: str = ""

    @property
    def spec(self) -> TaskSpec:
        return TaskSpec(task=self.task, subtask=self.subtask)


def dataset_input(datasets: DatasetRepository, name: str) -> DatasetInput:
    """The dataset's verified local copy, its task (from the manifest) and class names (label_map.json)."""
    manifest = datasets.manifest(name)
    try:
        spec = TaskSpec(
            task=TaskType(manifest.metadata["task"]), subtask=str(manifest.metadata.get("subtask", ""))
        )
    except (KeyError, ValueError, InputError):
        raise InputError(f"dataset {name!r} has no usable task in its manifest; rebuild it") from None
    folder = datasets.local_copy(name)
    label_map = Path(folder) / "label_map.json"
    labels: Any = []
    if label_map.is_file():
        labels = json.loads(label_map.read_text(encoding="utf-8")).get("labels", [])
    return DatasetInput(
        name=name,
        folder=folder,
        task=spec.task,
        subtask=spec.subtask,
        label_names=tuple(str(x) for x in labels),
    )


def guarded(name: str, run: Callable[[], CheckResult]) -> CheckResult:
    """`run()`, or a failed check named `name` whose details are the error's first line."""
    try:
        return run()
    except CodemillError as exc:
        return CheckResult(name=name, status="fail", details=first_line(exc))
    except Exception as exc:  # a check never lets a library's error escape as a traceback
        log.debug("check %s failed", name, exc_info=True)
        return CheckResult(name=name, status="fail", details=f"{type(exc).__name__}: {first_line(exc)}")


def skipped(name: str, reason: str) -> CheckResult:
    return CheckResult(name=name, status="skip", details=reason)


def integrity_check(findings: FolderFindings) -> CheckResult:
    figures = dict(findings.figures)
    if findings.problems:
        return CheckResult(
            name="integrity", status="fail", details="; ".join(findings.problems), figures=figures
        )
    if findings.notes:
        return CheckResult(
            name="integrity", status="warn", details="; ".join(findings.notes), figures=figures
        )
    return CheckResult(
        name="integrity",
        status="pass",
        details="config, weights and tokenizer present and intact",
        figures=figures,
    )


def load_check(model: LoadedModel) -> CheckResult:
    summary = model.summary()
    problems = model.consistency_problems()
    if problems:
        return CheckResult(name="load", status="fail", details="; ".join(problems), figures=summary)
    details = (
        f"{summary.get('architecture', '?')}: {summary.get('parameters', 0):,} parameters, "
        f"{summary.get('layers', '?')} layers, hidden {summary.get('hidden_size', '?')}, "
        f"vocabulary {summary.get('vocab_size', '?')}"
    )
    return CheckResult(name="load", status="pass", details=details, figures=summary)


def inference_check(model: LoadedModel, texts: Sequence[str]) -> CheckResult:
    figures = model.smoke(texts)
    return CheckResult(
        name="inference",
        status="pass",
        details=f"{len(texts)} inputs gave finite outputs of the right shape",
        figures=figures,
    )


def performance_check(
    model: LoadedModel,
    texts: Sequence[str],
    *,
    batch_size: int,
    max_latency_ms: float | None,
    min_throughput: float | None,
) -> CheckResult:
    speed: SpeedFigures = model.speed(texts, batch_size=batch_size)
    figures = asdict(speed)
    details = (
        f"on {speed.device}: latency p50 {speed.latency_p50_ms:.2f} ms, p95 {speed.latency_p95_ms:.2f} ms, "
        f"p99 {speed.latency_p99_ms:.2f} ms; "
        f"{speed.throughput_per_s:.1f} samples/s at batch {speed.batch_size}"
    )
    problems = []
    if max_latency_ms is not None and speed.latency_p95_ms > max_latency_ms:
        problems.append(f"latency p95 {speed.latency_p95_ms:.2f} ms > {max_latency_ms:g} ms")
    if min_throughput is not None and speed.throughput_per_s < min_throughput:
        problems.append(f"throughput {speed.throughput_per_s:.1f}/s < {min_throughput:g}/s")
    if problems:
        return CheckResult(name="performance", status="fail", details="; ".join(problems), figures=figures)
    return CheckResult(name="performance", status="pass", details=details, figures=figures)


def task_mismatch(model: LoadedModel, dataset: DatasetInput) -> str:
    """Why the dataset cannot score this model ('' when it can)."""
    fitting = _KINDS_OF_TASK[dataset.task]
    if model.kind not in fitting:
        return (
            f"dataset {dataset.name!r} is a {dataset.task} dataset but the model is a {model.kind} model; "
            "validate it on a dataset of its own task"
        )
    if model.kind != "seq2seq" and tuple(model.label_names) != tuple(dataset.label_names):
        return (
            f"the model's labels {list(model.label_names)} differ from dataset {dataset.name!r}'s "
            f"{list(dataset.label_names)}"
        )
    return ""


def scored_split(model: LoadedModel, dataset: DatasetInput) -> SplitPredictions:
    """The model's outputs on the test split (validation when there is no test split)."""
    mismatch = task_mismatch(model, dataset)
    if mismatch:
        raise InputError(mismatch)
    try:
        predictions = model.predict(dataset.folder, "test")
    except InputError:
        predictions = model.predict(dataset.folder, "validation")
    if predictions.size == 0:
        raise InputError(f"dataset {dataset.name!r} has no test or validation samples")
    return predictions


def quality_check(
    predictions: SplitPredictions, minimums: Mapping[str, float], syntax: SyntaxScoring | None = None
) -> CheckResult:
    """The task's metrics against the minimums; `syntax` (a task whose target is code) adds
    ast_validity and ngram_similarity."""
    metrics = quality_metrics(predictions, syntax)
    figures: dict[str, Any] = {"split": predictions.split, "samples": predictions.size, "metrics": metrics}
    if predictions.kind == "single_label" and predictions.logits:
        guessed = argmax_rows(predictions.logits)
        figures["confusion_matrix"] = confusion_matrix(
            predictions.labels, guessed, len(predictions.logits[0])
        )
    measured = ", ".join(f"{name} {value:.4g}" for name, value in metrics.items())
    wanted = {name: bound for name, bound in minimums.items() if name != "ece"}
    problems = unmet_thresholds(metrics, wanted)
    if problems:
        return CheckResult(name="quality", status="fail", details="; ".join(problems), figures=figures)
    if any(math.isnan(value) for value in metrics.values()):
        return CheckResult(name="quality", status="fail", details=f"NaN metrics: {measured}", figures=figures)
    where = f"{predictions.split} split, {predictions.size} samples"
    return CheckResult(name="quality", status="pass", details=f"{where}: {measured}", figures=figures)
