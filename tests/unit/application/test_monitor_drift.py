"""MonitorDrift with fakes: a reference-like window, a shifted one, the reference's origin, the report."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence

import pytest

from codemill.application.monitoring.monitor_drift import DriftRequest, MonitorDrift
from codemill.application.monitoring.prediction_log import PredictionLog, PredictionLogOptions
from codemill.application.monitoring.reference import ReferenceBuilder
from codemill.domain.drift import DriftStatus, DriftThresholds
from codemill.domain.errors import InputError
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.ports.model_resolver import ModelResolver, ResolvedModel
from codemill.domain.prediction import PredictedBatch
from tests.fakes.memory_store import InMemoryArtifactStore
from tests.fakes.monitoring_fakes import (
    LengthLoader,
    LengthRunner,
    MeanShiftStatistics,
    MemoryPredictionLog,
    SplitDatasets,
    WordFeaturizer,
)
from tests.fakes.registry_fakes import FixedLineage, MemoryModelResolver
from tests.fakes.serving_fakes import FakeModelResolver, RecordingMetrics
from tests.fakes.training_fakes import MemoryRuns
from tests.fakes.validation_fakes import RecordingPlotter

T0 = 1_750_000_000.0
RNG = random.Random(3)
REFERENCE = [" ".join(["x"] * RNG.randint(2, 8)) + " if y" * RNG.randint(0, 2) for _ in range(40)]
SHIFTED = ["public static void run ( ) { " + "call ( ) ; " * 30 + "}" for _ in range(40)]
THRESHOLDS = DriftThresholds(min_samples=10)


class World:
    def __init__(
        self, lineage: dict[str, dict[str, object]] | None = None, resolver: ModelResolver | None = None
    ) -> None:
        self.logs = MemoryPredictionLog()
        self.store = InMemoryArtifactStore()
        self.folders: dict[str, InMemoryArtifactStore] = {}
        self.plotter = RecordingPlotter()
        self.loader = LengthLoader()
        references = ReferenceBuilder(
            resolver=resolver or FakeModelResolver("kinds", {1: "/models/kinds-1", 2: "/models/kinds-2"}, {}),
            lineage=FixedLineage(lineage),
            loader=self.loader,
            datasets=SplitDatasets({"kinds": {"validation": REFERENCE}, "other": {"test": REFERENCE}}),
            featurizer=WordFeaturizer(),
        )
        self.monitor = MonitorDrift(
            logs=self.logs,
            references=references,
            statistics=MeanShiftStatistics(),
            plotter=self.plotter,
            store=self.store,
            folder_store=self._folder,
            clock=lambda: T0 + 86_400,
        )

    def serve(
        self, codes: Sequence[str], *, at: float, version: int | None = 1, model: str = "kinds"
    ) -> None:
        """What a server with --log-predictions writes for these inputs."""
        sink = PredictionLog(
            store=self.logs,
            featurizer=WordFeaturizer(),
            metrics=RecordingMetrics(),
            options=PredictionLogOptions(),
        )
        for start in range(0, len(codes), 8):
            chunk = tuple(codes[start : start + 8])
            sink(
                PredictedBatch(
                    model=model,
                    version=version,
                    fingerprint=f"sha-{version}",
                    inputs=chunk,
                    predictions=tuple(LengthRunner().predict(chunk)),
                    finished_at=at + start,
                    seconds=0.01,
                    folder=f"/models/{model}-{version}",
                )
            )
        sink.close()

    def _folder(self, folder: str) -> ArtifactStore:
        return self.folders.setdefault(folder, InMemoryArtifactStore())


def test_a_window_like_the_reference_has_no_drift_and_its_report_is_published() -> None:
    world = World()
    world.serve(REFERENCE, at=T0)
    result = world.monitor.execute(DriftRequest(name="kinds", thresholds=THRESHOLDS))
    assert not result.drift and result.drifted == () and result.warnings == ()
    assert (result.model, result.dataset, result.split) == ("registry:kinds/1", "kinds", "validation")
    assert (result.current_count, result.reference_count) == (40, 40)
    statuses = {f.name: f.status for f in result.features}
    assert statuses == {
        n: DriftStatus.OK for n in ("tokens", "language", "complexity", "oov_rate", "label", "confidence")
    }
    prefix = "monitoring/kinds/drift/20250616T150640/"
    assert result.stored == (prefix,)
    assert {key.removeprefix(prefix) for key in world.store.objects if key.startswith(prefix)} == {
        "drift.json",
        "drift.md",
        "manifest.json",
    }
    report = json.loads(world.store.objects[prefix + "drift.json"])
    assert report["drift"] is False and report["window"]["start"] == "2025-06-15T15:06:40Z"
    assert world.loader.loaded[0].folder == "/models/kinds-1"


def test_a_shifted_window_names_the_features_that_moved_and_draws_them() -> None:
    world = World()
    world.serve(REFERENCE, at=T0)
    world.serve(SHIFTED, at=T0 + 3_600)
    result = world.monitor.execute(
        DriftRequest(name="kinds", since=T0 + 3_000, thresholds=THRESHOLDS, out_dir="/reports/today")
    )
    assert result.drift and set(result.drifted) == {"tokens", "language", "label"}
    by_name = {f.name: f for f in result.features}
    assert by_name["complexity"].status is DriftStatus.INSUFFICIENT  # no Python in the window: no complexity
    assert by_name["language"].current == {"java": 1.0}
    assert result.current_count == 40
    copied = world.folders["/reports/today"].objects
    assert {"drift.json", "drift.md", "figures/tokens.png", "figures/language.png"} <= set(copied)
    markdown = copied["drift.md"].decode()
    assert "Verdict: **drift** in tokens, language" in markdown and "![figures/tokens.png]" in markdown


def test_a_stored_model_s_reference_comes_from_its_run_record_or_is_named() -> None:
    runs = MemoryRuns()
    runs.export_model("r1", "/models/r1", {})
    runs.export_model("r2", "/models/r2", {})
    lineage = {"r1": {"dataset": {"name": "kinds", "manifest_sha256": "d" * 64}}, "r2": {"dataset": None}}
    world = World(lineage=lineage, resolver=MemoryModelResolver(runs))
    world.serve(REFERENCE, at=T0, model="r1", version=None)
    world.serve(REFERENCE, at=T0, model="r2", version=None)
    found = world.monitor.execute(DriftRequest(name="r1", thresholds=THRESHOLDS))
    assert (found.model, found.dataset, found.drift) == ("r1", "kinds", False)
    with pytest.raises(InputError, match=r"the lineage of r2 names no dataset .*--reference DATASET"):
        world.monitor.execute(DriftRequest(name="r2", thresholds=THRESHOLDS))
    named = world.monitor.execute(
        DriftRequest(name="r2", reference="other", split="test", thresholds=THRESHOLDS)
    )
    assert (named.dataset, named.split, named.drift) == ("other", "test", False)


def test_a_window_answered_by_two_versions_is_noted_and_the_latest_predicts_the_reference() -> None:
    world = World()
    world.serve(REFERENCE[:20], at=T0, version=1)
    world.serve(REFERENCE[20:], at=T0 + 100, version=2)
    result = world.monitor.execute(DriftRequest(name="kinds", thresholds=THRESHOLDS))
    assert result.model == "registry:kinds/2"
    assert result.notes == (
        "2 models answered in this window (versions 1, 2); the reference was predicted by registry:kinds/2",
    )


def test_too_few_logged_inputs_are_reported_but_not_judged() -> None:
    world = World()
    world.serve(SHIFTED[:5], at=T0)
    result = world.monitor.execute(DriftRequest(name="kinds", thresholds=THRESHOLDS))
    assert not result.drift and {f.status for f in result.features} == {DriftStatus.INSUFFICIENT}


def test_an_empty_window_is_one_line_that_says_what_to_do() -> None:
    world = World()
    with pytest.raises(
        InputError, match=r"no predictions logged for 'kinds' \(logged: none yet\).*--log-predictions"
    ):
        world.monitor.execute(DriftRequest(name="kinds"))
    world.serve(REFERENCE, at=T0)
    with pytest.raises(
        InputError, match="nothing logged for 'kinds' since 2025-06-16T15:06:40Z: widen --since"
    ):
        world.monitor.execute(DriftRequest(name="kinds", since=T0 + 86_400))
    assert world.store.objects == {}


def test_resolved_model_is_the_one_the_featurizer_reads() -> None:
    world = World()
    world.serve(REFERENCE, at=T0)
    world.monitor.execute(DriftRequest(name="kinds", thresholds=THRESHOLDS))
    loaded: list[ResolvedModel] = world.loader.loaded
    assert [(m.name, m.version, m.fingerprint) for m in loaded] == [("kinds", 1, "sha256-of-version-1")]


class _PipelineModelResolver(ModelResolver):
    """A registry version registered from a pipeline run: its lineage names the run's scope."""

    def resolve(self, reference: str) -> ResolvedModel:
        lineage = {"dataset": {"name": "task"}, "scope": "pipelines/R1"}
        return ResolvedModel(reference=reference, folder="/models/c-1", name="c", version=1, lineage=lineage)

    def current_version(self, name: str, alias: str) -> int | None:
        return 1


def test_a_model_registered_from_a_pipeline_run_is_compared_with_its_run_s_dataset() -> None:
    scoped: list[str] = []

    def datasets_under(scope: str) -> SplitDatasets:
        scoped.append(scope)
        return SplitDatasets({"task": {"validation": REFERENCE[:5]}})

    builder = ReferenceBuilder(
        resolver=_PipelineModelResolver(),
        lineage=FixedLineage({}),
        loader=LengthLoader(),
        datasets=SplitDatasets({"task": {"validation": REFERENCE}}),  # a root dataset of the same name
        featurizer=WordFeaturizer(),
        scoped_datasets=datasets_under,
    )
    found = builder.build(model="registry:c/1", dataset=None, split="validation", limit=100)
    assert scoped == ["pipelines/R1"] and len(found.records) == 5
    named = builder.build(model="registry:c/1", dataset="task", split="validation", limit=100)
    assert len(named.records) == len(REFERENCE) and scoped == ["pipelines/R1"]  # --reference: the root
