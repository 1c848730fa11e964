"""The pipeline's one summary and its `report.md`, from the records its steps left."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codemill.application.pipeline.plan import StepStatus
from codemill.domain.pipeline import StepRecord


def summarize(
    run_id: str, statuses: Sequence[StepStatus], records: Mapping[str, StepRecord]
) -> dict[str, Any]:
    """Steps and durations, corpus and dataset sizes, teacher, baseline and student metrics, verdict."""
    summary: dict[str, Any] = {
        "run_id": run_id,
        "steps": [{"step": s.step, "status": s.status, "seconds": s.seconds} for s in statuses],
    }
    parts = {
        "collect": "corpus",
        "dataset": "dataset",
        "train": "teacher",
        "distill": "student",
        "validate": "validation",
    }
    for step, key in parts.items():
        if step in records:
            summary[key] = dict(records[step].summary)
    dataset = summary.get("dataset") or {}
    teacher = summary.get("teacher") or {}
    baseline = dataset.get("baseline")
    if baseline and teacher.get("metrics"):
        summary["beats_baseline"] = {
            metric: teacher["metrics"][metric] > value
            for metric, value in baseline["metrics"].items()
            if metric in teacher["metrics"]
        }
    return summary


def render_report(summary: Mapping[str, Any], plots: Sequence[str]) -> str:
    lines = [
        f"# Pipeline run {summary['run_id']}",
        "",
        "## Steps",
        "",
        "| step | status | seconds |",
        "|---|---|---|",
    ]
    lines += [f"| {s['step']} | {s['status']} | {s['seconds']:.1f} |" for s in summary["steps"]]
    corpus = summary.get("corpus")
    if corpus:
        lines += [
            "",
            "## Corpus",
            "",
            f"{corpus['units']} units kept ({corpus['rejected']} rejected) "
            f"from {corpus['files']} files, {corpus['megabytes']} MB.",
        ]
        commits = [f"{s['source']} @ {s['commit']}" for s in corpus.get("sources", []) if s.get("commit")]
        lines += [f"Sources: {', '.join(commits)}."] if commits else []
    dataset = summary.get("dataset")
    if dataset:
        splits = ", ".join(f"{k} {v}" for k, v in dataset["splits"].items())
        lines += ["", "## Dataset", "", f"Task {dataset['task']}: {splits} samples."]
    lines += _metrics_table(summary)
    if summary.get("beats_baseline"):
        lines += ["", _beats_line(summary["beats_baseline"]) + "."]
    student = summary.get("student")
    if student:
        lines += ["", "## Distillation", "", *_distillation_lines(student)]
    validation = summary.get("validation")
    if validation:
        verdict = "passed" if validation["passed"] else "failed"
        lines += ["", "## Validation", "", f"Model {validation['model']}: {verdict}."]
        lines += [f"- {name}: {status}" for name, status in validation["checks"].items()]
        lines += [f"- failed: {failure}" for failure in validation["failures"]]
    if plots:
        lines += ["", "## Plots", "", *(f"![{key}]({key})" for key in plots)]
    return "\n".join(lines) + "\n"


def summary_lines(summary: Mapping[str, Any]) -> list[str]:
    """The summary in a few lines for the terminal."""
    lines = [f"pipeline run {summary['run_id']}"]
    lines += [f"  {s['step']:<9} {s['status']:<13} {s['seconds']:8.1f} s" for s in summary["steps"]]
    corpus, dataset = summary.get("corpus"), summary.get("dataset")
    if corpus:
        lines.append(
            f"  corpus: {corpus['units']} units from {corpus['files']} files ({corpus['megabytes']} MB)"
        )
    if dataset:
        lines.append(
            f"  dataset {dataset['task']}: " + ", ".join(f"{k} {v}" for k, v in dataset["splits"].items())
        )
    for key in ("teacher", "student"):
        part = summary.get(key)
        if part:
            lines.append(f"  {key}: " + _figures(part.get("metrics", {})))
    baseline = (dataset or {}).get("baseline")
    if baseline:
        lines.append(f"  baseline ({baseline['name']}): " + _figures(baseline["metrics"]))
    if summary.get("beats_baseline"):
        lines.append("  " + _beats_line(summary["beats_baseline"]))
    student = summary.get("student")
    if student:
        lines += ["  " + line for line in _distillation_lines(student)]
    validation = summary.get("validation")
    if validation:
        lines.append(f"  validation: {'passed' if validation['passed'] else 'FAILED'}")
    return lines


def _beats_line(beats: Mapping[str, bool]) -> str:
    won = [metric for metric, better in beats.items() if better]
    lost = [metric for metric, better in beats.items() if not better]
    if not lost:
        return f"teacher vs baseline: beats it on every metric shown ({', '.join(won)})"
    return f"teacher vs baseline: falls short on {', '.join(lost)}" + (
        f" (beats it on {', '.join(won)})" if won else ""
    )


def _metrics_table(summary: Mapping[str, Any]) -> list[str]:
    rows: list[tuple[str, Mapping[str, float]]] = []
    baseline = (summary.get("dataset") or {}).get("baseline")
    if baseline:
        rows.append((f"baseline: {baseline['name']}", baseline["metrics"]))
    for key in ("teacher", "student"):
        part = summary.get(key)
        if part and part.get("metrics"):
            rows.append((f"{key}: {part['name']}", part["metrics"]))
    if not rows:
        return []
    metrics = sorted({m for _, values in rows for m in values if m != "loss"})
    lines = [
        "",
        "## Test metrics",
        "",
        "| model | " + " | ".join(metrics) + " |",
        "|---" * (len(metrics) + 1) + "|",
    ]
    for label, values in rows:
        cells = [f"{values[m]:.4g}" if m in values else "" for m in metrics]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _distillation_lines(student: Mapping[str, Any]) -> list[str]:
    """One line per target the student was held to ('met' or 'falls short'); older records without
    targets show the plain figures."""
    if student.get("targets"):
        return [f"student: {t['line']}: {_verdict(t['met'])}" for t in student["targets"]]
    report = student.get("report") or {}
    lines = []
    if student.get("retention") is not None:
        lines.append(f"retention {student['retention']:.1%} of the teacher's metric")
    for key, label in (("params_ratio", "parameters ratio"), ("speedup", "speed-up")):
        if isinstance(report.get(key), int | float):
            lines.append(f"{label} {report[key]:.3g}")
    return lines


def _verdict(met: bool | None) -> str:
    return "not measured" if met is None else "met" if met else "falls short"


def _figures(metrics: Mapping[str, float]) -> str:
    return ", ".join(f"{k} {v:.4g}" for k, v in sorted(metrics.items()) if k != "loss") or "-"
