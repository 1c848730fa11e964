"""What a distillation kept and gained: retention, size and speed ratios, as JSON and Markdown."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from codemill.domain.distillation import DistillationConfig
from codemill.domain.ports.model_profiler import ModelProfile
from codemill.domain.training import Mode


def retention(student: float | None, teacher: float | None, mode: Mode) -> float | None:
    """How much of the teacher's score the student keeps: student/teacher when higher is better,
    teacher/student when lower is (a loss); None when either is missing or the divisor is 0."""
    if student is None or teacher is None:
        return None
    top, bottom = (student, teacher) if mode == "max" else (teacher, student)
    return top / bottom if bottom > 0 else None


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def build_report(
    *,
    teacher: str,
    student: str,
    dataset: str,
    metric: str,
    mode: Mode,
    teacher_profile: ModelProfile,
    student_profile: ModelProfile,
    student_metrics: Mapping[str, float],
    config: DistillationConfig,
) -> dict[str, Any]:
    """The report saved beside the student (distillation_report.json) and in its run record."""
    teacher_metrics = dict(teacher_profile.metrics)
    teacher_speed, student_speed = teacher_profile.speed, student_profile.speed
    return {
        "teacher": teacher,
        "student": student,
        "dataset": dataset,
        "metric": metric,
        "mode": mode,
        "teacher_metrics": teacher_metrics,
        "student_metrics": dict(student_metrics),
        "retention": retention(student_metrics.get(metric), teacher_metrics.get(metric), mode),
        "teacher_parameters": teacher_profile.parameters,
        "student_parameters": student_profile.parameters,
        "params_ratio": ratio(student_profile.parameters, teacher_profile.parameters),
        "teacher_size_bytes": teacher_profile.size_bytes,
        "student_size_bytes": student_profile.size_bytes,
        "size_ratio": ratio(student_profile.size_bytes, teacher_profile.size_bytes),
        "teacher_speed": dataclasses.asdict(teacher_speed),
        "student_speed": dataclasses.asdict(student_speed),
        "speedup": student_speed.speedup_over(teacher_speed),
        "throughput_ratio": ratio(student_speed.throughput_per_s, teacher_speed.throughput_per_s),
        "distillation": dataclasses.asdict(config),
    }


def render_report(report: Mapping[str, Any]) -> str:
    """Markdown: the teacher beside the student, then the ratios (distillation_report.md)."""
    metric = report["metric"]
    teacher, student = report["teacher_speed"], report["student_speed"]
    rows = [
        (f"{metric} (test)", report["teacher_metrics"].get(metric), report["student_metrics"].get(metric)),
        ("parameters", report["teacher_parameters"], report["student_parameters"]),
        ("weights on disk (MB)", report["teacher_size_bytes"] / 1e6, report["student_size_bytes"] / 1e6),
        ("CPU latency p50, batch 1 (ms)", teacher["latency_p50_ms"], student["latency_p50_ms"]),
        (
            f"CPU throughput, batch {student['batch_size']} (samples/s)",
            teacher["throughput_per_s"],
            student["throughput_per_s"],
        ),
    ]
    lines = [
        f"# Distillation of `{report['teacher']}` into `{report['student']}`",
        "",
        f"Dataset `{report['dataset']}`; metric `{metric}` ({_better(report['mode'])} is better).",
        "",
        "| | teacher | student |",
        "|---|---|---|",
        *(f"| {name} | {_figure(t)} | {_figure(s)} |" for name, t, s in rows),
        "",
        f"- Retention (student / teacher {metric}): {_percent(report['retention'])}",
        f"- Parameters ratio (student / teacher): {_figure(report['params_ratio'])}",
        f"- Size ratio on disk: {_figure(report['size_ratio'])}",
        f"- Speed-up at batch 1 (teacher p50 / student p50): {_figure(report['speedup'])}x",
        f"- Throughput ratio at batch {student['batch_size']}: {_figure(report['throughput_ratio'])}x",
        "",
        "## Settings",
        "",
        *(f"- {key}: `{value}`" for key, value in sorted(report["distillation"].items())),
    ]
    return "\n".join(lines) + "\n"


def _better(mode: str) -> str:
    return "higher" if mode == "max" else "lower"


def _figure(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"
