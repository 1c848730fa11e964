from __future__ import annotations

import json
from pathlib import Path

import pytest

from codemill.application.export.export_model import ExportModel, ExportModelRequest
from codemill.application.export.samples import BUILT_IN_SNIPPETS
from codemill.application.publishing.artifacts import read_manifest, verify_manifest
from codemill.application.publishing.name_claims import NameClaims
from codemill.domain.errors import InputError, IntegrityError
from codemill.domain.ports.model_resolver import ModelOrigin, ResolvedModel
from tests.fakes.export_fakes import FixedResolver, LabelledDatasets, ScriptedExporter
from tests.fakes.memory_store import InMemoryArtifactStore
from tests.fakes.registry_fakes import FixedLineage

TEST_SPLIT = [("def f(): pass", "python"), ("func f() {}", "go"), ("def g(x): return x", "python")]


def export_model(
    tmp_path: Path,
    exporter: ScriptedExporter,
    *,
    store: InMemoryArtifactStore | None = None,
    origin: ModelOrigin = "storage",
    lineage: dict[str, object] | None = None,
) -> tuple[ExportModel, InMemoryArtifactStore]:
    store = store or InMemoryArtifactStore()
    model = ResolvedModel(
        reference="kinds",
        folder=str(tmp_path),
        name="kinds",
        fingerprint="a" * 64,
        origin=origin,
    )
    use_case = ExportModel(
        resolver=FixedResolver(model),
        lineage=FixedLineage({"kinds": lineage or {"dataset": {"name": "langs"}}}),
        datasets=LabelledDatasets({"langs": {"test": TEST_SPLIT}}),
        exporter=exporter,
        store=store,
        workdir=str(tmp_path / "work"),
        claims=NameClaims(store),
    )
    return use_case, store


def test_publishes_the_graph_and_record_with_the_manifest_last(tmp_path: Path) -> None:
    use_case, store = export_model(tmp_path, ScriptedExporter(drift=1e-6))

    result = use_case.execute(ExportModelRequest(model="kinds"))

    assert result.name == "kinds-onnx"
    assert (result.samples, result.sample_source) == (3, "dataset langs (test)")
    assert verify_manifest(store, "models/kinds-onnx/").ok
    manifest = read_manifest(store, "models/kinds-onnx/")
    assert manifest.kind == "model"
    assert [e.path for e in manifest.entries] == ["config.json", "export.json", "model.onnx"]
    record = json.loads(store.get("models/kinds-onnx/export.json"))
    assert record["source"] == {
        "reference": "kinds",
        "name": "kinds",
        "version": None,
        "origin": "storage",
        "fingerprint": "a" * 64,
    }
    assert (record["opset"], record["quantization"]) == (17, "none")
    parity = record["parity"]
    assert parity["metric"] == "accuracy" and parity["retention"] == 1.0
    assert parity["max_abs_diff"] == pytest.approx(1e-6)
    assert parity["samples_from"] == "dataset langs (test)"
    assert list((tmp_path / "work").iterdir()) == []  # the export folder is gone


def test_int8_gets_its_own_default_name_and_keeps_accuracy(tmp_path: Path) -> None:
    exporter = ScriptedExporter(drift=0.05)
    use_case, store = export_model(tmp_path, exporter)

    result = use_case.execute(ExportModelRequest(model="kinds", quantization="int8"))

    assert result.name == "kinds-onnx-int8"
    assert exporter.exports == [(str(tmp_path), "int8")]
    assert store.get("models/kinds-onnx-int8/model.onnx") == b"graph-int8"


def test_a_failed_parity_publishes_nothing(tmp_path: Path) -> None:
    use_case, store = export_model(tmp_path, ScriptedExporter(flip_word="func"))

    with pytest.raises(IntegrityError) as caught:
        use_case.execute(ExportModelRequest(model="kinds", name="kinds-x"))

    message = str(caught.value)
    assert "\n" not in message
    assert "refused, nothing published" in message and "label agreement 0.6667 on 3 samples" in message
    assert list(store.list("models/")) == []


def test_int8_below_the_retention_is_refused(tmp_path: Path) -> None:
    use_case, store = export_model(tmp_path, ScriptedExporter(flip_word="func"))

    with pytest.raises(IntegrityError, match=r"accuracy retention 0.6667 < 0.99"):
        use_case.execute(ExportModelRequest(model="kinds", quantization="int8"))
    assert list(store.list("models/")) == []


def test_a_refusal_keeps_an_earlier_export(tmp_path: Path) -> None:
    use_case, store = export_model(tmp_path, ScriptedExporter())
    use_case.execute(ExportModelRequest(model="kinds"))
    refusing, _ = export_model(tmp_path, ScriptedExporter(drift=1.0), store=store)

    with pytest.raises(IntegrityError, match="max\\|diff\\| 1"):
        refusing.execute(ExportModelRequest(model="kinds", tolerance=1e-4, overwrite=True))
    assert verify_manifest(store, "models/kinds-onnx/").ok


def test_an_existing_export_is_replaced_only_with_overwrite(tmp_path: Path) -> None:
    use_case, store = export_model(tmp_path, ScriptedExporter())
    first = use_case.execute(ExportModelRequest(model="kinds"))
    with pytest.raises(InputError, match=r"model 'kinds-onnx' already exists .*--overwrite"):
        use_case.execute(ExportModelRequest(model="kinds"))
    second = use_case.execute(ExportModelRequest(model="kinds", overwrite=True))
    record = json.loads(store.get("models/kinds-onnx/export.json"))
    assert record["replaces"] == first.manifest_sha256 != second.manifest_sha256


def test_without_a_dataset_the_built_in_snippets_check_label_agreement(tmp_path: Path) -> None:
    use_case, _ = export_model(tmp_path, ScriptedExporter(), origin="local", lineage={})

    result = use_case.execute(ExportModelRequest(model=str(tmp_path)))

    assert (result.samples, result.sample_source) == (len(BUILT_IN_SNIPPETS), "built-in snippets")
    assert result.parity.metric == "label_agreement"


def test_an_exporter_refusal_and_a_bad_name_are_one_line_errors(tmp_path: Path) -> None:
    use_case, store = export_model(tmp_path, ScriptedExporter(refuse="seq2seq is not supported yet"))
    with pytest.raises(InputError, match="seq2seq is not supported yet"):
        use_case.execute(ExportModelRequest(model="kinds"))
    with pytest.raises(InputError, match="invalid model name"):
        use_case.execute(ExportModelRequest(model="kinds", name="../up"))
    assert list(store.list("models/")) == []


def test_an_encoder_decoder_is_checked_on_identical_generations(tmp_path: Path) -> None:
    use_case, store = export_model(tmp_path, ScriptedExporter(kind="seq2seq"))

    result = use_case.execute(ExportModelRequest(model="kinds"))

    assert result.parity.label_agreement == 1.0 and result.parity.metric == "label_agreement"
    refusing, _ = export_model(tmp_path, ScriptedExporter(kind="seq2seq", flip_word="func"), store=store)
    with pytest.raises(IntegrityError, match=r"label agreement 0\.6667 on 3 samples"):
        refusing.execute(ExportModelRequest(model="kinds", name="other"))
    assert list(store.list("models/other/")) == []
