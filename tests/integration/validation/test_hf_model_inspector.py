"""ValidateModel with the real inspector on tiny trained models, and every bad input the issue names."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from codemill.application.validation.validate_model import ValidateModel, ValidateRequest
from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.manifest import Manifest
from codemill.infrastructure.inference.calibrated_classifier import CalibratedClassifier
from codemill.infrastructure.parsing.tree_sitter_syntax_checker import TreeSitterSyntaxChecker
from codemill.infrastructure.plots.matplotlib_plotter import MatplotlibPlotter
from codemill.infrastructure.registry.storage_model_registry import StorageModelRegistry
from codemill.infrastructure.registry.storage_model_resolver import StorageModelResolver
from codemill.infrastructure.runs.storage_run_repository import StorageRunRepository
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
from codemill.infrastructure.validation.hf_model_inspector import HfModelInspector
from tests.integration.training.training_data import write_dataset

ASSERTION = TaskSpec(task=TaskType.GENERATION, subtask="assertion")


class DatasetFolders:
    """The fixture folders as datasets of a repository, by name."""

    def __init__(self, **folders: tuple[Path, str]) -> None:
        self.folders = folders

    def manifest(self, name: str) -> Manifest:
        task, _, subtask = self.folders[name][1].partition("/")  # 'generation/assertion'
        metadata = {"task": task, "subtask": subtask}
        return Manifest(kind="dataset", entries=(), created_at="now", metadata=metadata)

    def local_copy(self, name: str) -> str:
        return str(self.folders[name][0])


@pytest.fixture
def validate(tmp_path: Path, classification_dir: Path, generation_dir: Path) -> ValidateModel:
    tests = [
        Sample(
            id="1", text="def test_a(self):\n    x = f()\n    <mask>", target="assert x", language="python"
        ),
        Sample(id="2", text="void t() { int y = g(); <mask> }", target="assertTrue(y);", language="java"),
    ]
    asserts = {"train": tests, "test": tests}
    store = LocalArtifactStore(tmp_path / "store")
    return ValidateModel(
        inspector=HfModelInspector(generation_tokens=8),
        datasets=DatasetFolders(
            langs=(classification_dir, "classification"),
            names=(generation_dir, "generation"),
            asserts=(write_dataset(tmp_path / "asserts", ASSERTION, asserts), "generation/assertion"),
        ),
        models=StorageModelResolver(
            StorageModelRegistry(store), StorageRunRepository(store), str(tmp_path / "cache")
        ),
        store=store,
        plotter=MatplotlibPlotter(),
        folder_store=LocalArtifactStore,
        syntax_checker=TreeSitterSyntaxChecker(),
    )


def copy_of(folder: Path, tmp_path: Path, name: str = "model") -> Path:
    return Path(shutil.copytree(folder, tmp_path / name))


def outcome(report) -> dict[str, tuple[str, str]]:
    return {check.name: (check.status, check.details) for check in report.checks}


def test_a_trained_classifier_passes_and_later_inference_uses_its_calibration(
    validate: ValidateModel, classifier_dir: Path, tmp_path: Path
) -> None:
    model = copy_of(classifier_dir, tmp_path)
    report = validate.execute(ValidateRequest(model=str(model), dataset="langs", device="cpu"))
    checks = outcome(report)
    assert report.passed, report.failures
    assert [status for status, _ in checks.values()] in (["pass"] * 6, ["pass"] * 5 + ["warn"])
    load = next(c for c in report.checks if c.name == "load").figures
    assert load["labels"] == ["go", "java", "python"] and load["vocab_size"] >= load["tokenizer_size"]
    quality = next(c for c in report.checks if c.name == "quality").figures
    assert set(quality["metrics"]) == {"accuracy", "macro_f1", "mcc", "loss"}
    assert len(quality["confusion_matrix"]) == 3
    for name in ("validation.json", "validation.md", "reliability.png", "calibration.json"):
        assert (model / name).is_file()
    assert (model / "reliability.png").read_bytes().startswith(b"\x89PNG")
    temperature = json.loads((model / "calibration.json").read_text())["temperature"]
    classifier = CalibratedClassifier.from_folder(str(model), device="cpu")
    assert classifier.calibration.temperature == pytest.approx(temperature)
    raw = torch.softmax(classifier.loaded.logits(["def f ( self ) : pass"]), dim=-1)[0].tolist()
    calibrated = classifier.probabilities(["def f ( self ) : pass"])[0]
    assert calibrated != pytest.approx(raw) or temperature == pytest.approx(1.0, abs=1e-3)
    assert classifier.predict(["def f ( self ) : pass"])[0] in classifier.labels


def test_a_generator_passes_quick_and_scores_generation_metrics(
    validate: ValidateModel, generator_dir: Path, tmp_path: Path
) -> None:
    report = validate.execute(
        ValidateRequest(
            model=str(copy_of(generator_dir, tmp_path)), dataset="names", report_dir=str(tmp_path / "r")
        )
    )
    checks = outcome(report)
    assert report.passed, report.failures
    assert checks["calibration"][0] == "skip" and "single-label" in checks["calibration"][1]
    quality = next(c for c in report.checks if c.name == "quality").figures["metrics"]
    assert set(quality) == {"bleu4", "exact_match", "token_f1"}
    assert (tmp_path / "r" / "validation.json").is_file()


def test_a_generator_of_code_is_scored_for_syntax_in_each_sample_language(
    validate: ValidateModel, generator_dir: Path, tmp_path: Path
) -> None:
    model = copy_of(generator_dir, tmp_path)
    predictions = HfModelInspector(generation_tokens=8).load(str(model), allow_pickle=False, device="cpu")
    scored = predictions.predict(str(tmp_path / "asserts"), "test")
    assert list(scored.languages) == ["python", "java"] and len(scored.predictions) == 2
    report = validate.execute(ValidateRequest(model=str(model), dataset="asserts", device="cpu"))
    quality = next(c for c in report.checks if c.name == "quality").figures["metrics"]
    assert set(quality) == {"bleu4", "exact_match", "token_f1", "ast_validity", "ngram_similarity"}
    assert 0 <= quality["ast_validity"] <= 1 and 0 <= quality["ngram_similarity"] <= 1


def test_missing_and_truncated_weights_fail_with_a_reason(
    validate: ValidateModel, classifier_dir: Path, tmp_path: Path
) -> None:
    missing = copy_of(classifier_dir, tmp_path, "missing")
    (missing / "model.safetensors").unlink()
    report = validate.execute(ValidateRequest(model=str(missing), quick=True))
    assert report.failures[0] == "integrity: no weights (*.safetensors)"
    assert outcome(report)["inference"][0] == "skip"
    truncated = copy_of(classifier_dir, tmp_path, "truncated")
    weights = truncated / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:5000])
    report = validate.execute(ValidateRequest(model=str(truncated), quick=True))
    assert report.failures[0].startswith("integrity: model.safetensors: truncated: 5000 of ")
    assert report.failures[1].startswith("load: the weights in")


def test_a_file_that_differs_from_the_manifest_fails_integrity(
    validate: ValidateModel, classifier_dir: Path, tmp_path: Path
) -> None:
    model = copy_of(classifier_dir, tmp_path)
    store = LocalArtifactStore(tmp_path / "published")
    from codemill.infrastructure.runs.storage_run_repository import StorageRunRepository

    StorageRunRepository(store).export_model("m", str(model), {})
    shutil.copy(tmp_path / "published" / "models" / "m" / "manifest.json", model / "manifest.json")
    (model / "config.json").write_text((model / "config.json").read_text() + " ")
    report = validate.execute(ValidateRequest(model=str(model), quick=True))
    assert (
        report.failures[0]
        == "integrity: config.json: differs from its manifest.json checksum (changed or truncated)"
    )


def test_pickle_weights_are_refused_unless_allowed_and_then_load_with_weights_only(
    validate: ValidateModel, classifier_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = copy_of(classifier_dir, tmp_path)
    torch.save(load_file(str(model / "model.safetensors")), model / "pytorch_model.bin")
    (model / "model.safetensors").unlink()
    refused = validate.execute(ValidateRequest(model=str(model), quick=True))
    assert "pickle-based weights (pytorch_model.bin) are refused" in refused.failures[0]
    loads: list[object] = []
    real_load = torch.load

    def spy(*args: object, **kwargs: object) -> object:
        loads.append(kwargs.get("weights_only"))
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(torch, "load", spy)
    allowed = validate.execute(ValidateRequest(model=str(model), quick=True, allow_pickle=True))
    assert allowed.passed, allowed.failures
    assert outcome(allowed)["integrity"][0] == "warn"
    assert loads and all(flag is True for flag in loads)


def test_a_checkpoint_of_another_architecture_fails_load(
    validate: ValidateModel, classifier_dir: Path, generator_dir: Path, tmp_path: Path
) -> None:
    model = copy_of(classifier_dir, tmp_path)
    shutil.copy(generator_dir / "model.safetensors", model / "model.safetensors")
    report = validate.execute(ValidateRequest(model=str(model), quick=True))
    assert report.failures[0].startswith("load: the weights in")
    assert "do not fit its config.json (a checkpoint of another architecture?)" in report.failures[0]


def test_a_tokenizer_that_does_not_match_fails_load(
    validate: ValidateModel, classifier_dir: Path, tmp_path: Path
) -> None:
    from codemill.infrastructure.tokenizers.bpe_tokenizer_provider import HfTokenizerProvider

    model = copy_of(classifier_dir, tmp_path)
    rng = random.Random(0)
    words = [f"w{i}x{j}" for i in range(300) for j in range(3)]
    texts = [" ".join(rng.sample(words, 50)) for _ in range(400)]  # a larger vocabulary than the model's
    for name, payload in HfTokenizerProvider().train(texts, vocab_size=1500, min_frequency=1).files().items():
        (model / name).write_bytes(payload)
    report = validate.execute(ValidateRequest(model=str(model), quick=True))
    assert report.failures[0].startswith("load: the tokenizer has")
    assert "the tokenizer does not belong to this model" in report.failures[0]


def test_a_dataset_of_another_task_fails_quality(
    validate: ValidateModel, classifier_dir: Path, tmp_path: Path
) -> None:
    report = validate.execute(ValidateRequest(model=str(copy_of(classifier_dir, tmp_path)), dataset="names"))
    assert report.failures == (
        "quality: dataset 'names' is a generation dataset but the model is a single_label model; "
        "validate it on a dataset of its own task",
    )
    assert outcome(report)["performance"][0] == "pass"
