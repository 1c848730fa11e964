"""ValidateModel with fakes: check order, skips, verdicts, quick mode, where reports and calibration go."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from codemill.application.publishing.artifacts import ArtifactWriter, read_manifest
from codemill.application.training.publication import manifest_sha256
from codemill.application.validation.validate_model import ValidateModel, ValidateRequest
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.ports.model_inspector import FolderFindings
from codemill.domain.validation import CHECKS
from tests.fakes.memory_store import InMemoryArtifactStore
from tests.fakes.registry_fakes import MemoryModelRegistry, MemoryModelResolver
from tests.fakes.syntax_fakes import PythonAstSyntaxChecker
from tests.fakes.training_fakes import FolderDatasets, MemoryRuns
from tests.fakes.validation_fakes import (
    FakeInspector,
    FakeLoadedModel,
    RecordingPlotter,
    generated_code,
    over_confident,
)


class LocalFolders:
    """folder_store: an in-memory store per folder, so nothing touches the disk."""

    def __init__(self) -> None:
        self.stores: dict[str, InMemoryArtifactStore] = {}

    def __call__(self, folder: str) -> InMemoryArtifactStore:
        return self.stores.setdefault(str(Path(folder).resolve()), InMemoryArtifactStore())


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    return folder


def use_case(
    tmp_path: Path,
    inspector: FakeInspector,
    *,
    runs: MemoryRuns | None = None,
    store: InMemoryArtifactStore | None = None,
    folders: LocalFolders | None = None,
    registry: MemoryModelRegistry | None = None,
) -> ValidateModel:
    datasets = FolderDatasets(
        tmp_path / "datasets",
        {
            "vuln": {"task": "security", "labels": ["clean", "vulnerable"]},
            "summ": {"task": "generation", "labels": []},
            "langs": {"task": "classification", "labels": ["a", "b"]},
            "asserts": {"task": "generation", "subtask": "assertion", "labels": []},
        },
    )
    ticks = iter(range(100))
    return ValidateModel(
        inspector=inspector,
        datasets=datasets,
        models=MemoryModelResolver(runs or MemoryRuns(), registry),
        store=store or InMemoryArtifactStore(),
        plotter=RecordingPlotter(),
        folder_store=folders or LocalFolders(),
        syntax_checker=PythonAstSyntaxChecker(),
        clock=lambda: float(next(ticks)),
    )


def statuses(report) -> dict[str, str]:
    return {check.name: check.status for check in report.checks}


def test_a_sound_model_passes_every_check_and_calibration_is_fitted(tmp_path: Path, model_dir: Path) -> None:
    folders = LocalFolders()
    report = use_case(tmp_path, FakeInspector(FakeLoadedModel()), folders=folders).execute(
        ValidateRequest(model=str(model_dir), dataset="vuln", minimums={"accuracy": 0.6})
    )
    assert [c.name for c in report.checks] == list(CHECKS)
    assert set(statuses(report).values()) == {"pass"}
    assert report.passed and report.failures == () and report.source == "local"
    calibration = next(c for c in report.checks if c.name == "calibration").figures
    assert calibration["temperature"] > 1 and calibration["ece_after"] < calibration["ece_before"] / 2
    assert "threshold" in calibration  # binary: the MCC-best threshold
    stored = folders(str(model_dir)).objects
    assert {"validation.json", "validation.md", "reliability.png", "calibration.json"} <= set(stored)
    assert json.loads(stored["calibration.json"])["temperature"] == pytest.approx(calibration["temperature"])
    assert report.calibration == str(model_dir / "calibration.json")
    assert json.loads(stored["validation.json"])["passed"] is True


def test_quick_runs_three_checks_and_skips_the_rest(tmp_path: Path, model_dir: Path) -> None:
    model = FakeLoadedModel()
    report = use_case(tmp_path, FakeInspector(model)).execute(
        ValidateRequest(model=str(model_dir), quick=True)
    )
    assert list(statuses(report).values()) == ["pass", "pass", "pass", "skip", "skip", "skip"]
    assert report.passed and model.predicted == []


def test_a_model_that_does_not_load_fails_load_and_skips_what_needs_it(
    tmp_path: Path, model_dir: Path
) -> None:
    findings = FolderFindings(problems=("model.safetensors: truncated: 10 of 99 bytes",))
    report = use_case(tmp_path, FakeInspector(None, findings=findings)).execute(
        ValidateRequest(model=str(model_dir), dataset="vuln")
    )
    assert list(statuses(report).values()) == ["fail", "fail", "skip", "skip", "skip", "skip"]
    assert not report.passed
    assert report.failures == (
        "integrity: model.safetensors: truncated: 10 of 99 bytes",
        "load: the weights do not fit config.json",
    )


def test_an_error_inside_a_check_is_a_failed_check_not_a_crash(tmp_path: Path, model_dir: Path) -> None:
    model = FakeLoadedModel(smoke_error="CUDA error: device-side assert\nmore lines")
    report = use_case(tmp_path, FakeInspector(model)).execute(
        ValidateRequest(model=str(model_dir), quick=True)
    )
    assert report.failures == ("inference: RuntimeError: CUDA error: device-side assert",)


def test_inconsistent_tokenizer_fails_load(tmp_path: Path, model_dir: Path) -> None:
    model = FakeLoadedModel(problems=["the tokenizer has 900 tokens but the embedding matrix only 400 rows"])
    report = use_case(tmp_path, FakeInspector(model)).execute(ValidateRequest(model=str(model_dir)))
    assert statuses(report)["load"] == "fail" and statuses(report)["inference"] == "skip"


def test_thresholds_and_a_dataset_of_another_task_fail_quality(tmp_path: Path, model_dir: Path) -> None:
    test = over_confident("test")
    flipped = dataclasses.replace(test, labels=[1 - label for label in test.labels])  # 30% right on test
    model = FakeLoadedModel(splits={"validation": over_confident("validation"), "test": flipped})
    strict = use_case(tmp_path, FakeInspector(model)).execute(
        ValidateRequest(model=str(model_dir), dataset="vuln", minimums={"accuracy": 0.2, "ece": 0.05})
    )
    assert strict.failures == ("calibration: ece 0.4 > 0.05",)
    strict = use_case(tmp_path, FakeInspector(FakeLoadedModel())).execute(
        ValidateRequest(model=str(model_dir), dataset="vuln", minimums={"accuracy": 0.9})
    )
    assert strict.failures == ("quality: accuracy 0.7 < 0.9",)
    validate = use_case(tmp_path, FakeInspector(FakeLoadedModel()))
    other = validate.execute(ValidateRequest(model=str(model_dir), dataset="summ"))
    assert statuses(other)["quality"] == "fail" and statuses(other)["calibration"] == "skip"
    assert "is a generation dataset but the model is a single_label model" in other.failures[0]
    labels = validate.execute(ValidateRequest(model=str(model_dir), dataset="langs"))
    assert "differ from dataset 'langs'" in labels.failures[0]
    missing = validate.execute(ValidateRequest(model=str(model_dir), dataset="nope"))
    assert missing.failures == ("quality: dataset 'nope' does not exist or was never completed",)


def test_a_code_target_adds_ast_validity_and_ngram_similarity(tmp_path: Path, model_dir: Path) -> None:
    model = FakeLoadedModel(
        kind="seq2seq", labels=(), splits={"test": generated_code("test"), "validation": generated_code("v")}
    )
    validate = use_case(tmp_path, FakeInspector(model))
    report = validate.execute(
        ValidateRequest(model=str(model_dir), dataset="asserts", minimums={"ast_validity": 0.9})
    )
    quality = next(c for c in report.checks if c.name == "quality")
    metrics = quality.figures["metrics"]
    assert set(metrics) == {"bleu4", "exact_match", "token_f1", "ast_validity", "ngram_similarity"}
    assert metrics["ast_validity"] == pytest.approx(2 / 3)  # the third prediction misses its ')'
    assert metrics["exact_match"] == pytest.approx(1 / 3)
    assert 1 / 3 < metrics["ngram_similarity"] < 1
    assert report.failures[0] == "quality: ast_validity 0.6667 < 0.9"
    summary = validate.execute(ValidateRequest(model=str(model_dir), dataset="summ"))
    plain = next(c for c in summary.checks if c.name == "quality").figures["metrics"]
    assert set(plain) == {"bleu4", "exact_match", "token_f1"}  # a text target: no code metrics


def test_performance_thresholds(tmp_path: Path, model_dir: Path) -> None:
    report = use_case(tmp_path, FakeInspector(FakeLoadedModel())).execute(
        ValidateRequest(model=str(model_dir), max_latency_ms=2.5, min_throughput=1000)
    )
    assert report.failures == ("performance: latency p95 3.00 ms > 2.5 ms; throughput 500.0/s < 1000/s",)
    assert statuses(report)["quality"] == "skip"


def test_no_test_split_scores_validation_and_skips_calibration(tmp_path: Path, model_dir: Path) -> None:
    model = FakeLoadedModel()
    del model.splits["test"]
    report = use_case(tmp_path, FakeInspector(model)).execute(
        ValidateRequest(model=str(model_dir), dataset="vuln")
    )
    quality = next(c for c in report.checks if c.name == "quality")
    assert quality.status == "pass" and quality.figures["split"] == "validation"
    assert statuses(report)["calibration"] == "fail" and "needs a test split" in report.failures[0]


def test_a_stored_model_gets_a_published_report_and_calibration_json_beside_it(tmp_path: Path) -> None:
    store, runs = InMemoryArtifactStore(), MemoryRuns()
    folder = tmp_path / "fetched"
    folder.mkdir()
    runs.exported["m1"] = (str(folder), {})
    writer = ArtifactWriter(store, "models/m1", kind="model")
    writer.write("model.safetensors", b"weights")
    writer.publish(metadata={"name": "m1"})
    report = use_case(tmp_path, FakeInspector(FakeLoadedModel()), runs=runs, store=store).execute(
        ValidateRequest(model="m1", dataset="vuln")
    )
    assert report.passed and report.source == "storage"
    validation = read_manifest(store, "validations/m1")
    assert validation.kind == "validation"
    assert store.writes.index("models/m1/manifest.json") < store.writes.index("validations/m1/manifest.json")
    model = read_manifest(store, "models/m1")
    assert validation.metadata["model_manifest_sha256"] == manifest_sha256(model)  # the model as republished
    assert {e.path for e in model.entries} == {"model.safetensors", "calibration.json"}
    assert store.objects["models/m1/model.safetensors"] == b"weights"
    assert report.calibration == "models/m1/calibration.json"
    assert "validations/m1/" in report.stored


def test_unknown_models_are_input_errors(tmp_path: Path) -> None:
    validate = use_case(tmp_path, FakeInspector(FakeLoadedModel()))
    with pytest.raises(InputError, match="'ghost' is neither a local folder nor a model published"):
        validate.execute(ValidateRequest(model="ghost"))
    with pytest.raises(InputError, match="neither a local folder nor a model published"):
        validate.execute(ValidateRequest(model="./no/such/folder"))


def test_a_registry_version_is_validated_without_being_touched(tmp_path: Path, model_dir: Path) -> None:
    store, registry, folders = InMemoryArtifactStore(), MemoryModelRegistry(), LocalFolders()
    registry.add_version("kinds", str(model_dir))
    registry.point("kinds", "production", registry.add_version("kinds", str(model_dir)))
    report = use_case(
        tmp_path, FakeInspector(FakeLoadedModel()), store=store, registry=registry, folders=folders
    ).execute(ValidateRequest(model="registry:kinds@production", dataset="vuln"))
    assert report.passed and report.source == "registry" and report.model == "registry:kinds/2"
    published = read_manifest(store, "registry/kinds/validations/2")
    assert published.metadata["passed"] is True and published.metadata["model"] == "registry:kinds/2"
    assert report.calibration == "registry/kinds/validations/2/calibration.json"
    assert "calibration.json" in {entry.path for entry in published.entries}
    assert not any(key.startswith("registry/kinds/versions") for key in store.objects)  # immutable
    assert not folders.stores  # nothing written into the model's folder


def test_an_unknown_registry_alias_is_a_one_line_error(tmp_path: Path) -> None:
    validate = use_case(tmp_path, FakeInspector(FakeLoadedModel()))
    with pytest.raises(ArtifactNotFoundError, match="no alias 'production'"):
        validate.execute(ValidateRequest(model="registry:kinds@production"))
