"""ModelLoader on transformers: a resolved model folder -> an HfModelRunner, threads set for serving."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codemill.domain.ports.model_resolver import ResolvedModel
from codemill.domain.training import TrainingConfig
from codemill.infrastructure.inference.calibrated_classifier import Calibration, read_calibration
from codemill.infrastructure.inference.cpu_threads import configure_cpu_threads
from codemill.infrastructure.inference.hf_model_runner import HfModelRunner
from codemill.infrastructure.inference.model_folder import open_model_folder
from codemill.infrastructure.inference.quiet_libraries import library_bars_off


class HfModelLoader:
    """Loads model folders with `open_model_folder` (safetensors only, local files only).

    A generator decodes up to `max_new_tokens` tokens; by default, the
    `generation_max_length` its training used (from the model's lineage),
    else the training default. `threads` sizes torch's pool on CPU
    (default: the CPUs this process may use).
    """

    def __init__(
        self,
        *,
        device: str = "auto",
        threads: int | None = None,
        max_new_tokens: int | None = None,
        multi_label_threshold: float = 0.5,
    ) -> None:
        self._device = device
        self._threads = threads
        self._max_new_tokens = max_new_tokens
        self._threshold = multi_label_threshold

    def load(self, model: ResolvedModel) -> HfModelRunner:
        configure_cpu_threads(self._threads)
        with library_bars_off():
            loaded = open_model_folder(model.folder, device=self._device)
        calibration = read_calibration(model.folder) if loaded.kind == "single_label" else Calibration()
        return HfModelRunner(
            loaded,
            calibration=calibration,
            threshold=self._threshold,
            max_new_tokens=self._max_new_tokens or generation_length(model.lineage),
        )


def generation_length(lineage: Mapping[str, Any]) -> int:
    """The lineage's `generation_max_length` (top level or under `config`), else the training default."""
    config = lineage.get("config")
    for source in (lineage, config if isinstance(config, Mapping) else {}):
        value = source.get("generation_max_length")
        if isinstance(value, int) and value > 0:
            return value
    return TrainingConfig().generation_max_length
