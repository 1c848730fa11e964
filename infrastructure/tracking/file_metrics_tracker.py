"""MetricsTracker that renders history files, best values, plots and TensorBoard events."""

from __future__ import annotations

import json
from collections.abc import Mapping

from codemill.domain.training import Mode
from codemill.infrastructure.tracking.metrics_history import MetricsHistory
from codemill.infrastructure.tracking.metrics_plots import metric_plots
from codemill.infrastructure.tracking.tensorboard_events import TensorBoardEvents


class FileMetricsTracker:
    """MetricsTracker port, in memory until `files` renders it.

    `files` returns `metrics/history.json` (a list of `{step, phase, ...}`),
    `metrics/history.csv` (one row per entry, the union of the columns, blank
    where unset), `metrics/best.json` (`{metric: {step, value, mode}}` for
    every eval metric but bookkeeping ones such as runtime), the plots that
    have data (`metrics/loss.png`, `metrics/learning_rate.png`,
    `metrics/throughput.png`) and, with a `tensorboard_dir`, the event files
    written there as values were logged (`tensorboard/events.out.tfevents.*`,
    scalars under `train/NAME` and `eval/NAME`).
    """

    def __init__(self, tensorboard_dir: str | None) -> None:
        self._history = MetricsHistory()
        self._events = TensorBoardEvents(tensorboard_dir) if tensorboard_dir else None

    def log(self, step: int, values: Mapping[str, float], *, phase: str) -> None:
        metrics = self._history.add(step, values, phase)
        if self._events is not None:
            self._events.add(step, phase, metrics)

    def best(self, metric: str, mode: Mode | None = None) -> tuple[int, float] | None:
        return self._history.best(metric, mode)

    def files(self) -> dict[str, bytes]:
        best = json.dumps(self._history.best_all(), indent=2, sort_keys=True) + "\n"
        files = {
            "metrics/history.json": self._history.to_json(),
            "metrics/history.csv": self._history.to_csv(),
            "metrics/best.json": best.encode("utf-8"),
            **metric_plots(self._history),
        }
        if self._events is not None:
            files.update(self._events.files())
        return files

    def close(self) -> None:
        """Close the open TensorBoard event file, if any."""
        if self._events is not None:
            self._events.close()
