"""Hand-written fakes of the validation step's ports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, final

from codemill.domain.calibration import ReliabilityBin
from codemill.domain.errors import InputError, IntegrityError
from codemill.domain.model_speed import SpeedFigures
from codemill.domain.ports.model_inspector import FolderFindings, LoadedModel, ModelInspector
from codemill.domain.ports.plotter import Plotter
from codemill.domain.validation import SplitPredictions

SPEED = SpeedFigures(
    device="cpu",
    latency_p50_ms=2.0,
    latency_p95_ms=3.0,
    latency_p99_ms=4.0,
    throughput_per_s=500.0,
    batch_size=8,
    samples=30,
)


def over_confident(split: str, count: int = 20) -> SplitPredictions:
    """A binary classifier that is 70% right, always with confidence ~0.9997."""
    logits = [[8.0, 0.0] if i % 2 else [0.0, 8.0] for i in range(count)]
    labels = [(1 - i % 2) if i % 10 < 7 else i % 2 for i in range(count)]
    return SplitPredictions(kind="single_label", split=split, logits=logits, labels=labels)


def generated_code(split: str) -> SplitPredictions:
    """A generator of Python assertions: one exact, one close, one that does not parse."""
    return SplitPredictions(
        kind="seq2seq",
        split=split,
        references=["self.assertEqual(total, 3)", "assert ok", "self.assertTrue(done)"],
        predictions=["self.assertEqual(total, 3)", "assert not ok", "self.assertTrue(done"],
        languages=["python", "python", "python"],
    )


@final
class FakeLoadedModel(LoadedModel):
    def __init__(
        self,
        *,
        kind: str = "single_label",
        labels: tuple[str, ...] = ("clean", "vulnerable"),
        splits: Mapping[str, SplitPredictions] | None = None,
        problems: Sequence[str] = (),
        smoke_error: str = "",
    ) -> None:
        self.kind, self.label_names = kind, labels
        self.splits = dict(
            splits or {"validation": over_confident("validation"), "test": over_confident("test")}
        )
        self.problems, self.smoke_error = list(problems), smoke_error
        self.predicted: list[str] = []

    def summary(self) -> dict[str, Any]:
        return {"architecture": "Fake", "parameters": 10, "layers": 1, "hidden_size": 4, "vocab_size": 9}

    def consistency_problems(self) -> list[str]:
        return self.problems

    def smoke(self, texts: Sequence[str]) -> dict[str, Any]:
        if self.smoke_error:
            raise RuntimeError(self.smoke_error)
        return {"inputs": len(texts)}

    def speed(self, texts: Sequence[str], *, batch_size: int) -> SpeedFigures:
        return SPEED

    def predict(self, dataset_dir: str, split: str, *, limit: int | None = None) -> SplitPredictions:
        self.predicted.append(split)
        if split not in self.splits:
            raise InputError(f"no {split} samples")
        return self.splits[split]


@final
class FakeInspector(ModelInspector):
    def __init__(
        self, model: FakeLoadedModel | None = None, *, findings: FolderFindings | None = None
    ) -> None:
        self.model, self.findings = model, findings or FolderFindings()
        self.loaded: list[str] = []

    def check_files(self, folder: str, *, allow_pickle: bool) -> FolderFindings:
        return self.findings

    def load(self, folder: str, *, allow_pickle: bool, device: str) -> FakeLoadedModel:
        self.loaded.append(folder)
        if self.model is None:
            raise IntegrityError("the weights do not fit config.json")
        return self.model


@final
class RecordingPlotter(Plotter):
    def __init__(self) -> None:
        self.diagrams: list[dict[str, Sequence[ReliabilityBin]]] = []

    def histogram(self, values: Sequence[int], *, title: str, xlabel: str, limit: int | None = None) -> bytes:
        return b"\x89PNG histogram"

    def reliability_diagram(self, series: dict[str, Sequence[ReliabilityBin]], *, title: str) -> bytes:
        self.diagrams.append(series)
        return b"\x89PNG reliability"

    def overlaid_histograms(self, series: Mapping[str, Sequence[float]], *, title: str, xlabel: str) -> bytes:
        return b"\x89PNG histograms"

    def grouped_bars(self, series: Mapping[str, Mapping[str, float]], *, title: str, ylabel: str) -> bytes:
        return b"\x89PNG bars"
