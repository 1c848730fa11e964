"""What each pipeline step runs, where it publishes, what it reads, and what it tells the summary."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codemill.application.pipeline.baseline import baseline_score
from codemill.application.pipeline.plan import PipelinePlan, PipelineScope
from codemill.domain.errors import StepStoppedError

_FINISHED = {"completed", "stopped_early"}


@dataclass(frozen=True, kw_only=True)
class StepRunner:
    output: str  # the prefix of its published output, in the run's store
    reads: tuple[str, ...]  # the steps whose outputs it reads
    run: Callable[[], dict[str, Any]]  # runs the step; returns its summary


def step_runners(plan: PipelinePlan, scope: PipelineScope) -> dict[str, StepRunner]:
    runners = {
        "collect": StepRunner(
            output=f"corpora/{plan.collect.name}", reads=(), run=lambda: _collect(plan, scope)
        ),
        "dataset": StepRunner(
            output=f"datasets/{plan.dataset.name}", reads=("collect",), run=lambda: _dataset(plan, scope)
        ),
        "train": StepRunner(
            output=f"models/{plan.train.name}", reads=("dataset",), run=lambda: _train(plan, scope)
        ),
    }
    if plan.distill is not None:
        runners["distill"] = StepRunner(
            output=f"models/{plan.distill.name}",
            reads=("dataset", "train"),
            run=lambda: _distill(plan, scope),
        )
    if plan.validate is not None:
        model_step = "distill" if plan.distill is not None else "train"
        runners["validate"] = StepRunner(
            output=validation_prefix(plan.validate.model),
            reads=("dataset", model_step),
            run=lambda: _validate(plan, scope),
        )
    return runners


def validation_prefix(model: str) -> str:
    return f"validations/{model}"


def _collect(plan: PipelinePlan, scope: PipelineScope) -> dict[str, Any]:
    # a collect interrupted earlier in this run left its completed shards staged: reuse them
    # and the run's own scope is the pipeline's to rewrite
    summary = scope.collect.execute(dataclasses.replace(plan.collect, resume=True, overwrite=True)).stats
    return {
        "name": plan.collect.name,
        "files": summary.files.parsed,
        "megabytes": round(summary.files.bytes / 1e6, 2),
        "units": summary.units.kept,
        "rejected": summary.units.rejected,
        "sources": [source.to_dict() for source in summary.sources],
    }


def _dataset(plan: PipelinePlan, scope: PipelineScope) -> dict[str, Any]:
    request = dataclasses.replace(plan.dataset, overwrite=True)  # the run's own scope
    summary = scope.dataset.execute(request).stats
    name = request.name
    baseline = baseline_score(
        request.task, scope.samples(name, "train"), scope.samples(name, "test"), scope.syntax_checker
    )
    return {
        "name": name,
        "task": request.task.title,
        "splits": dict(summary.splits),
        "baseline": dataclasses.asdict(baseline) if baseline is not None else None,
    }


def _train(plan: PipelinePlan, scope: PipelineScope) -> dict[str, Any]:
    result = scope.train.execute(dataclasses.replace(plan.train, resume="auto"))
    _check_finished("train", result.status, result.model_manifest, plan.train.name)
    return {
        "name": result.name,
        "model": plan.train.config.model,
        "status": result.status,
        "best_step": result.best_step,
        "metrics": dict(result.metrics),
        "samples_per_second": result.samples_per_second,
    }


def _distill(plan: PipelinePlan, scope: PipelineScope) -> dict[str, Any]:
    assert plan.distill is not None  # nosec B101  # an invariant for the type checker, not a security check
    result = scope.distill.execute(dataclasses.replace(plan.distill, resume="auto"))
    _check_finished("distill", result.status, result.model_manifest, plan.distill.name)
    return {
        "name": result.name,
        "student": plan.distill.student,
        "status": result.status,
        "metrics": dict(result.metrics),
        "teacher_metrics": dict(result.teacher_metrics),
        "retention": result.retention,
        "report": dict(result.report),
        "targets": [
            verdict.to_dict()
            for verdict in plan.targets.verdicts({**result.report, "retention": result.retention})
        ],
    }


def _validate(plan: PipelinePlan, scope: PipelineScope) -> dict[str, Any]:
    assert plan.validate is not None  # nosec B101  # an invariant for the type checker, not a security check
    report = scope.validate.execute(plan.validate)
    return {
        "model": plan.validate.model,
        "passed": bool(report.passed),
        "failures": list(report.failures),
        "checks": {check.name: check.status for check in report.checks},
    }


def _check_finished(step: str, status: str, manifest: object, name: str) -> None:
    if status not in _FINISHED or manifest is None:
        hint = "rerun with --resume RUN_ID to continue" if status == "interrupted" else "see the log above"
        raise StepStoppedError(f"step {step} ({name}) ended {status}, no model was exported: {hint}")
