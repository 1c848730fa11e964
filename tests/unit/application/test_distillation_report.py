import pytest

from codemill.application.distillation.report import build_report, render_report, retention
from codemill.domain.distillation import DistillationConfig
from codemill.domain.model_speed import SpeedFigures
from codemill.domain.ports.model_profiler import ModelProfile


def _profile(parameters: int, latency: float, throughput: float, metrics=None) -> ModelProfile:
    speed = SpeedFigures(
        device="cpu",
        latency_p50_ms=latency,
        latency_p95_ms=latency * 1.5,
        latency_p99_ms=latency * 2,
        throughput_per_s=throughput,
        batch_size=32,
        samples=30,
    )
    return ModelProfile(parameters=parameters, size_bytes=parameters * 4, speed=speed, metrics=metrics or {})


def test_retention_is_student_over_teacher_or_its_inverse_for_a_loss() -> None:
    assert retention(0.9, 1.0, "max") == pytest.approx(0.9)
    assert retention(2.0, 1.0, "min") == pytest.approx(0.5)
    assert retention(0.9, 0.0, "max") is None
    assert retention(None, 1.0, "max") is None


def _report() -> dict:
    return build_report(
        teacher="big",
        student="small",
        dataset="kinds",
        metric="accuracy",
        mode="max",
        teacher_profile=_profile(4_000_000, 8.0, 400.0, {"accuracy": 0.8, "loss": 0.5}),
        student_profile=_profile(500_000, 2.0, 2000.0),
        student_metrics={"accuracy": 0.78, "loss": 0.6},
        config=DistillationConfig(),
    )


def test_the_report_holds_retention_and_every_ratio() -> None:
    report = _report()
    assert report["retention"] == pytest.approx(0.975)
    assert report["params_ratio"] == pytest.approx(0.125)
    assert report["size_ratio"] == pytest.approx(0.125)
    assert report["speedup"] == pytest.approx(4.0)
    assert report["throughput_ratio"] == pytest.approx(5.0)
    assert report["teacher_metrics"]["accuracy"] == 0.8
    assert report["distillation"]["weights"] == {"ce": 0.5, "kl": 0.5}


def test_the_markdown_puts_teacher_beside_student() -> None:
    markdown = render_report(_report())
    assert markdown.startswith("# Distillation of `big` into `small`")
    assert "| accuracy (test) | 0.8 | 0.78 |" in markdown
    assert "| parameters | 4,000,000 | 500,000 |" in markdown
    assert "Retention (student / teacher accuracy): 97.5%" in markdown
    assert "Speed-up at batch 1 (teacher p50 / student p50): 4x" in markdown
