"""MonitorDrift: a window of a server's prediction log compared with the model's reference data."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from codemill.application.monitoring import drift_report
from codemill.application.monitoring.feature_comparison import ComparedFeature, compare_features
from codemill.application.monitoring.reference import Reference, ReferenceBuilder
from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.domain.drift import DriftThresholds, FeatureDrift, drifted, warned
from codemill.domain.errors import InputError
from codemill.domain.monitoring_layout import drift_report_prefix
from codemill.domain.names import check_name
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.ports.drift_statistics import DriftStatistics
from codemill.domain.ports.plotter import Plotter
from codemill.domain.ports.prediction_log_store import PredictionLogStore
from codemill.domain.prediction_record import PredictionRecord
from codemill.domain.registry import RegistryReference
from codemill.domain.time_window import iso_time

log = logging.getLogger("codemill.monitor")
DRIFT_KIND = "drift-report"


@dataclass(frozen=True, kw_only=True)
class DriftRequest:
    name: str  # the monitored name: the registry name, or the stored model's name
    since: float | None = None  # seconds since the epoch; None: everything logged
    reference: str | None = None  # a dataset name; None: the one the model was trained on
    split: str = "validation"
    model: str | None = None  # None: the version that answered last in the window
    reference_limit: int = 2_000
    thresholds: DriftThresholds = field(default_factory=DriftThresholds)
    out_dir: str | None = None  # a local folder for a copy of the report


@dataclass(frozen=True, kw_only=True)
class DriftResult:
    name: str
    model: str
    dataset: str
    split: str
    window: tuple[float, float]  # the first and last logged times in the window
    current_count: int
    reference_count: int
    features: tuple[FeatureDrift, ...]
    thresholds: DriftThresholds
    notes: tuple[str, ...] = ()
    stored: tuple[str, ...] = ()

    @property
    def drifted(self) -> tuple[str, ...]:
        return drifted(self.features)

    @property
    def warnings(self) -> tuple[str, ...]:
        return warned(self.features)

    @property
    def drift(self) -> bool:
        return bool(self.drifted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "drift": self.drift,
            "drifted": list(self.drifted),
            "warnings": list(self.warnings),
            "model": self.model,
            "dataset": self.dataset,
            "split": self.split,
            "window": {"start": iso_time(self.window[0]), "end": iso_time(self.window[1])},
            "current_count": self.current_count,
            "reference_count": self.reference_count,
            "thresholds": {
                "warning": self.thresholds.warning,
                "drift": self.thresholds.drift,
                "min_samples": self.thresholds.min_samples,
            },
            "features": [drift_report.feature_dict(feature) for feature in self.features],
            "notes": list(self.notes),
            "stored": list(self.stored),
        }


class MonitorDrift:
    """Compare what a server was asked (its prediction log) with what its model was made for.

    - The window is every record logged for `name` at or after `since`; an
      empty window is a one-line InputError that says what is logged.
    - The reference is a dataset split (by default the validation split of
      the dataset the model was trained on), measured with the same
      featurizer and predicted by the same model as the log: by default the
      registry version (or stored model) that answered last in the window.
      A window that several model versions answered is noted in the report.
    - Each feature is judged on PSI (see domain.drift); test statistics
      and p-values are reported but do not decide.
    - The report (drift.json, drift.md, a PNG per drifted feature) is
      published under `monitoring/NAME/drift/STAMP/`, manifest last, and
      copied to `out_dir` when given.
    """

    def __init__(
        self,
        *,
        logs: PredictionLogStore,
        references: ReferenceBuilder,
        statistics: DriftStatistics,
        plotter: Plotter,
        store: ArtifactStore,
        folder_store: Callable[[str], ArtifactStore],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._logs = logs
        self._references = references
        self._statistics = statistics
        self._plotter = plotter
        self._store = store
        self._folder_store = folder_store
        self._clock = clock

    def execute(self, request: DriftRequest) -> DriftResult:
        check_name(request.name, what="monitored model")
        current = self._window(request)
        latest = max(current, key=lambda record: record.time)
        model = request.model or _reference_of(latest)
        reference = self._references.build(
            model=model, dataset=request.reference, split=request.split, limit=request.reference_limit
        )
        compared = compare_features(
            reference.records, current, statistics=self._statistics, thresholds=request.thresholds
        )
        result = DriftResult(
            name=request.name,
            model=model,
            dataset=reference.dataset,
            split=reference.split,
            window=(min(r.time for r in current), latest.time),
            current_count=len(current),
            reference_count=len(reference.records),
            features=tuple(item.drift for item in compared),
            thresholds=request.thresholds,
            notes=_notes(current, reference, self._logs.unreadable),
        )
        return dataclasses.replace(result, stored=self._publish(request, result, compared))

    def _window(self, request: DriftRequest) -> list[PredictionRecord]:
        records = self._logs.read(request.name, since=request.since)
        if records:
            return records
        names = self._logs.names()
        if request.since is not None and request.name in names:
            raise InputError(
                f"nothing logged for {request.name!r} since {iso_time(request.since)}: widen --since"
            )
        known = ", ".join(names) or "none yet"
        raise InputError(
            f"no predictions logged for {request.name!r} (logged: {known}); "
            "serve it with codemill serve --log-predictions"
        )

    def _publish(
        self, request: DriftRequest, result: DriftResult, compared: Sequence[ComparedFeature]
    ) -> tuple[str, ...]:
        pictures = drift_report.figures(compared, self._plotter)
        payload = {key: value for key, value in result.to_dict().items() if key != "stored"}
        files: dict[str, bytes] = {
            drift_report.REPORT_JSON: drift_report.report_json(payload),
            drift_report.REPORT_MD: drift_report.report_markdown(payload, sorted(pictures)),
            **pictures,
        }
        places = []
        if request.out_dir is not None:
            folder = self._folder_store(request.out_dir)
            for path in sorted(files):
                folder.put(path, files[path])
            places.append(request.out_dir)
        writer = ArtifactWriter(
            self._store, drift_report_prefix(request.name, self._clock()), kind=DRIFT_KIND
        )
        for path in sorted(files):
            writer.write(path, files[path])
        writer.publish(metadata=_metadata(payload))
        places.append(writer.prefix)
        return tuple(places)


def _reference_of(record: PredictionRecord) -> str:
    """The model that answered `record`: its registry version, else its stored name."""
    if record.version is not None:
        return str(RegistryReference(name=record.model, version=record.version))
    return record.model


def _notes(current: Sequence[PredictionRecord], reference: Reference, unreadable: int) -> tuple[str, ...]:
    notes = []
    fingerprints = {record.fingerprint for record in current}
    if len(fingerprints) > 1:
        versions = sorted({str(r.version) for r in current})
        notes.append(
            f"{len(fingerprints)} models answered in this window (versions {', '.join(versions)}); "
            f"the reference was predicted by {reference.model.reference}"
        )
    if unreadable:
        notes.append(f"{unreadable} log files could not be read and were left out")
    return tuple(notes)


def _metadata(payload: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("name", "drift", "drifted", "warnings", "model", "dataset", "split", "window")
    return {key: payload[key] for key in keys}
