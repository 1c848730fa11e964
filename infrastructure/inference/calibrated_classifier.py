"""Classifying with an exported model, its `calibration.json` (temperature, threshold) applied."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from codemill.domain.errors import InputError
from codemill.infrastructure.inference.model_folder import ModelFolder, open_model_folder

CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """Divide logits by `temperature`; binary models call class 1 when its probability is >= `threshold`."""

    temperature: float = 1.0
    threshold: float | None = None


def read_calibration(folder: str) -> Calibration:
    """The folder's calibration.json, or no calibration (T = 1) when there is none."""
    path = Path(folder) / CALIBRATION_FILE
    if not path.is_file():
        return Calibration()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        temperature = float(data["temperature"])
        threshold = data.get("threshold")
        threshold = None if threshold is None else float(threshold)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path} is not a usable calibration file: {exc}") from None
    if not math.isfinite(temperature) or temperature <= 0:
        raise InputError(f"{path}: temperature must be a positive number, got {temperature}")
    return Calibration(temperature=temperature, threshold=threshold)


class CalibratedClassifier:
    """Probabilities and labels from a sequence classifier folder, calibrated as validation fitted it.

    `probabilities` are softmax(logits / T); `predict` takes the most likely
    label, except for binary models with a fitted threshold, which call the
    second label when its probability reaches the threshold.
    """

    def __init__(self, loaded: ModelFolder, calibration: Calibration) -> None:
        if loaded.kind != "single_label":
            raise InputError(f"{loaded.folder} is a {loaded.kind} model, not a single-label classifier")
        self.loaded = loaded
        self.calibration = calibration

    @classmethod
    def from_folder(cls, folder: str, *, device: str = "auto") -> CalibratedClassifier:
        return cls(open_model_folder(folder, device=device), read_calibration(folder))

    @property
    def labels(self) -> tuple[str, ...]:
        return self.loaded.label_names

    def probabilities(self, texts: Sequence[str], *, batch_size: int = 32) -> list[list[float]]:
        rows: list[list[float]] = []
        for start in range(0, len(texts), batch_size):
            logits = self.loaded.logits(texts[start : start + batch_size])
            rows += torch.softmax(logits / self.calibration.temperature, dim=-1).tolist()
        return rows

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [self.label_for(row) for row in self.probabilities(texts)]

    def label_for(self, probabilities: Sequence[float]) -> str:
        """The label called for one row of `probabilities` (the binary threshold applied)."""
        threshold, names = self.calibration.threshold, self.labels
        if threshold is not None and len(names) == 2:
            return names[1] if probabilities[1] >= threshold else names[0]
        return names[max(range(len(probabilities)), key=probabilities.__getitem__)]
