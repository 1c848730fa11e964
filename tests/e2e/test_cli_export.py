"""`codemill export` on the tiny trained classifier (tests/e2e/conftest.py): ONNX fp32 and int8, parity
figures, the exported folder run in ONNX Runtime, and refusals that publish nothing."""

from __future__ import annotations

import json
import shutil
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from dependency_injector import providers

from codemill.domain.export import Quantization
from codemill.domain.ports.model_exporter import ExportedFolder
from codemill.infrastructure.export.torch_onnx_model_exporter import TorchOnnxModelExporter, onnx_session
from codemill.infrastructure.inference.model_folder import open_model_folder
from codemill.presentation.container import Container
from tests.e2e.conftest import RunCli

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SNIPPETS = ["def f(self):\n    return None", "func main() { defer x() }", "public static void main() {}"]


class TamperingExporter(TorchOnnxModelExporter):
    """Exports for real, then adds 1 to the last bias of the graph: the head no longer matches PyTorch."""

    def export(
        self, source_folder: str, target_folder: str, *, quantization: Quantization, opset: int
    ) -> ExportedFolder:
        import onnx
        from onnx import numpy_helper

        exported = super().export(source_folder, target_folder, quantization=quantization, opset=opset)
        path = Path(exported.folder) / exported.graphs[0]
        graph = onnx.load(str(path))
        bias = [t for t in graph.graph.initializer if t.name.endswith("bias")][-1]
        bias.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(bias) + 1.0, bias.name))
        onnx.save(graph, str(path))
        return exported


@pytest.fixture
def random_t5(classifier: Path, tmp_path: Path) -> Path:
    """A tiny T5 on the classifier's tokenizer; random weights of std 0.5, so that it generates text."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer = json.loads((classifier / "tokenizer.json").read_text(encoding="utf-8"))
    special = {token["content"]: token["id"] for token in tokenizer["added_tokens"]}
    config = T5Config(
        vocab_size=len(tokenizer["model"]["vocab"]),
        d_model=32,
        d_kv=16,
        d_ff=64,
        num_layers=2,
        num_heads=2,
        pad_token_id=special["<pad>"],
        eos_token_id=special["</s>"],
        decoder_start_token_id=special["<pad>"],
    )
    torch.manual_seed(0)
    model = T5ForConditionalGeneration(config)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(0.0, 0.5)
    folder = tmp_path / "t5"
    model.save_pretrained(folder)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(classifier / name, folder / name)
    return folder


def test_seq2seq_exports_three_graphs_whose_cached_greedy_decoding_matches_pytorch(
    run_cli: RunCli, data_root: Path, random_t5: Path, one_torch_thread: None
) -> None:
    from codemill.infrastructure.export.seq2seq_export import OnnxGreedyDecoder

    result = run_cli("export", str(random_t5), "--name", "t5-onnx", "--json")

    assert result.exit_code == 0, result.output
    parity = json.loads(result.stdout)["parity"]
    assert parity["label_agreement"] == 1.0 and parity["samples"] == 12
    assert parity["max_abs_diff"] <= 1e-4 * parity["logit_scale"]
    folder = data_root / "models" / "t5-onnx"
    record = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    assert record["graphs"] == ["encoder.onnx", "decoder.onnx", "decoder_with_past.onnx"]
    torch_model = open_model_folder(str(random_t5), device="cpu")
    batch = torch_model.encode(SNIPPETS)
    decoder = OnnxGreedyDecoder(folder, torch_model.model.config, onnx_session)
    ids, _ = decoder.generate(batch["input_ids"].numpy(), batch["attention_mask"].numpy(), 12)
    onnx_texts = [t.strip() for t in torch_model.tokenizer.batch_decode(ids, skip_special_tokens=True)]
    assert onnx_texts == torch_model.generate(SNIPPETS, max_new_tokens=12)
    assert all(onnx_texts)  # something was generated, step after step from the cache


def _published(data_root: Path) -> list[str]:
    models = data_root / "models"
    return sorted(p.name for p in models.iterdir()) if models.is_dir() else []


def test_fp32_and_int8_exports_match_pytorch_and_run_in_onnx_runtime(
    run_cli: RunCli, data_root: Path, classifier: Path, one_torch_thread: None
) -> None:
    fp32 = run_cli("export", str(classifier), "--name", "kinds-onnx", "--json")
    assert fp32.exit_code == 0, fp32.output
    payload = json.loads(fp32.stdout)
    parity = payload["parity"]
    assert parity["max_abs_diff"] <= 1e-4 * parity["logit_scale"]
    assert parity["label_agreement"] == 1.0 and payload["samples_from"] == "built-in snippets"

    folder = data_root / "models" / "kinds-onnx"
    files = sorted(p.name for p in folder.iterdir())
    assert "model.onnx" in files and "export.json" in files and "manifest.json" in files
    assert "config.json" in files and "tokenizer.json" in files
    assert not [name for name in files if name.endswith((".safetensors", ".bin", ".pt"))]
    record = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    assert (record["quantization"], record["opset"]) == ("none", 17)
    assert record["source"]["fingerprint"] == payload["fingerprint"] and len(payload["fingerprint"]) == 64

    torch_model = open_model_folder(str(classifier), device="cpu")
    batch = torch_model.encode(SNIPPETS)
    feeds = {name: batch[name].numpy() for name in ("input_ids", "attention_mask")}
    onnx_logits = onnx_session(str(folder / "model.onnx")).run(["logits"], feeds)[0]
    torch_logits = torch_model.logits(SNIPPETS).numpy()
    assert np.abs(onnx_logits - torch_logits).max() <= 1e-4
    assert (onnx_logits.argmax(-1) == torch_logits.argmax(-1)).all()

    int8 = run_cli("export", str(classifier), "--quantize", "int8", "--name", "kinds-int8")
    assert int8.exit_code == 0, int8.output
    assert "models/kinds-int8/ (onnx, int8, opset 17" in int8.stdout
    record = json.loads((data_root / "models" / "kinds-int8" / "export.json").read_text(encoding="utf-8"))
    assert record["quantization"] == "int8" and record["parity"]["retention"] >= 0.99
    int8_graph = data_root / "models" / "kinds-int8" / "model.onnx"
    assert int8_graph.stat().st_size < (folder / "model.onnx").stat().st_size
    int8_logits = onnx_session(str(int8_graph)).run(["logits"], feeds)[0]
    assert (int8_logits.argmax(-1) == torch_logits.argmax(-1)).all()


@pytest.mark.parametrize("how", ["tolerance 0", "tampered graph"])
def test_a_failed_parity_refuses_and_publishes_nothing(
    run_cli: RunCli, data_root: Path, classifier: Path, one_torch_thread: None, how: str
) -> None:
    container = Container()
    if how == "tampered graph":
        container.model_exporter.override(providers.Object(TamperingExporter()))
        result = run_cli("export", str(classifier), container=container)
    else:
        result = run_cli("export", str(classifier), "--tolerance", "0", container=container)

    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error: export of") and "refused, nothing published: max|diff|" in error
    assert _published(data_root) == []


def test_pickled_weights_are_never_loaded(
    run_cli: RunCli, data_root: Path, classifier: Path, tmp_path: Path
) -> None:
    pickled = tmp_path / "pickled"
    shutil.copytree(classifier, pickled)
    (pickled / "model.safetensors").rename(pickled / "pytorch_model.bin")

    result = run_cli("export", str(pickled))

    assert result.exit_code == 1
    assert "has no safetensors weights" in result.output
    assert _published(data_root) == []


def test_validate_checks_and_runs_an_exported_folder(
    run_cli: RunCli, data_root: Path, classifier: Path, one_torch_thread: None
) -> None:
    from codemill.infrastructure.validation.hf_model_inspector import HfModelInspector

    assert run_cli("export", str(classifier), "--name", "kinds-onnx").exit_code == 0
    result = run_cli("validate", "kinds-onnx", "--json")

    assert result.exit_code == 0, result.output
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert [checks[n]["status"] for n in ("integrity", "load", "inference", "performance")] == ["pass"] * 4
    assert checks["integrity"]["figures"]["format"] == "onnx"
    assert checks["load"]["figures"]["parameters"] > 50_000

    folder = str(data_root / "models" / "kinds-onnx")
    onnx_split = (
        HfModelInspector()
        .load(folder, allow_pickle=False, device="cpu")
        .predict(str(classifier.parent.parent / "data"), "validation")
    )
    torch_split = (
        HfModelInspector()
        .load(str(classifier), allow_pickle=False, device="cpu")
        .predict(str(classifier.parent.parent / "data"), "validation")
    )
    assert onnx_split.labels == torch_split.labels and len(onnx_split.logits) == 24
    assert np.abs(np.array(onnx_split.logits) - np.array(torch_split.logits)).max() <= 1e-4

    (data_root / "models" / "kinds-onnx" / "model.onnx").write_bytes(b"not a graph")
    broken = run_cli("validate", str(data_root / "models" / "kinds-onnx"), "--quick")
    assert broken.exit_code == 1
    assert "model.onnx" in broken.output


def test_the_predictor_serves_exported_folders_like_their_sources(
    run_cli: RunCli, data_root: Path, classifier: Path, random_t5: Path, one_torch_thread: None
) -> None:
    from codemill.presentation.predictor import Predictor

    assert run_cli("export", str(classifier), "--quantize", "int8", "--name", "kinds-int8").exit_code == 0
    assert run_cli("export", str(random_t5), "--name", "t5-onnx").exit_code == 0
    container = Container()
    for source, exported in ((classifier, "kinds-int8"), (random_t5, "t5-onnx")):
        onnx_answers = Predictor.from_ref(
            str(data_root / "models" / exported), container=container, threads=1
        )
        torch_answers = Predictor.from_ref(str(source), container=container, threads=1, device="cpu")
        assert onnx_answers.kind == torch_answers.kind
        onnx_predictions = onnx_answers.predict(SNIPPETS)
        torch_predictions = torch_answers.predict(SNIPPETS)
        assert [p.label for p in onnx_predictions] == [p.label for p in torch_predictions]
        assert [p.text for p in onnx_predictions] == [p.text for p in torch_predictions]
        for onnx_p, torch_p in zip(onnx_predictions, torch_predictions, strict=True):
            for name, probability in (torch_p.probabilities or {}).items():
                assert abs(onnx_p.probabilities[name] - probability) < 0.01


def test_int8_seq2seq_export_is_published_by_retention_and_refused_below_it(
    run_cli: RunCli, data_root: Path, random_t5: Path, tmp_path: Path, one_torch_thread: None
) -> None:
    from tests.support.serving import train_generator

    trained = train_generator(tmp_path / "names")  # greedy names survive int8 weights
    result = run_cli("export", str(trained), "--quantize", "int8", "--name", "t5-int8", "--json")

    assert result.exit_code == 0, result.output
    parity = json.loads(result.stdout)["parity"]
    assert parity["samples"] == 12 and parity["retention"] >= 0.99
    folder = data_root / "models" / "t5-int8"
    record = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    assert record["quantization"] == "int8" and record["kind"] == "seq2seq"
    assert not [p.name for p in folder.iterdir() if p.name.endswith("-fp32.onnx")]

    chaotic = run_cli("export", str(random_t5), "--quantize", "int8", "--name", "chaos-int8")
    assert chaotic.exit_code == 1  # random weights of std 0.5: int8 changes most generations
    assert "refused, nothing published: label_agreement retention" in chaotic.output
    assert _published(data_root) == ["t5-int8"]


@pytest.fixture
def names_dataset(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """`names`: a generation/name dataset (code with its name masked -> the name) of the stdlib's json."""
    monkeypatch.setenv("CODEMILL_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "src" / "json"
    shutil.copytree(STDLIB / "json", source, ignore=shutil.ignore_patterns("__pycache__"))
    collected = run_cli("collect", str(source), "--name", "lib", "--workers", "1", "--no-security")
    assert collected.exit_code == 0, collected.output
    built = run_cli(
        "dataset", "build", "lib", "--task", "generation/name", "--name", "names",
        "--vocab-size", "400",
    )  # fmt: skip
    assert built.exit_code == 0, built.output
    return "names"


def test_validate_runs_an_exported_encoder_decoder_and_scores_its_generations(
    run_cli: RunCli, data_root: Path, random_t5: Path, names_dataset: str, one_torch_thread: None
) -> None:
    assert run_cli("export", str(random_t5), "--name", "t5-onnx").exit_code == 0

    result = run_cli("validate", "t5-onnx", "--dataset", names_dataset, "--json")

    assert result.exit_code == 0, result.output
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    names = ("integrity", "load", "inference", "performance", "quality")
    assert [checks[n]["status"] for n in names] == ["pass"] * 5
    assert checks["integrity"]["figures"]["weights"] == [
        "encoder.onnx",
        "decoder.onnx",
        "decoder_with_past.onnx",
    ]
    assert checks["load"]["figures"]["kind"] == "seq2seq"
    assert checks["inference"]["figures"]["empty_generations"] < 3
    metrics = checks["quality"]["figures"]["metrics"]
    assert {"bleu4", "exact_match", "token_f1"} <= set(metrics)
    source = run_cli("validate", str(random_t5), "--dataset", names_dataset, "--json")
    torch_metrics = {c["name"]: c for c in json.loads(source.stdout)["checks"]}["quality"]["figures"][
        "metrics"
    ]
    assert metrics["token_f1"] == pytest.approx(torch_metrics["token_f1"], abs=1e-9)  # the same generations
