"""`codemill dataset` end to end on a corpus collected from real Python files."""

import json
import shutil
import sysconfig
from pathlib import Path

import pytest

from tests.e2e.conftest import RunCli

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.fixture
def corpus(run_cli: RunCli, tmp_path: Path) -> str:
    source = tmp_path / "src"
    for package in ("json", "email"):
        shutil.copytree(STDLIB / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    result = run_cli("collect", str(source), "--name", "lib", "--workers", "1", "--no-security")
    assert result.exit_code == 0, result.output
    return "lib"


def test_generation_dataset_round_trip(run_cli: RunCli, corpus: str, tmp_path: Path, data_root: Path) -> None:
    result = run_cli(
        "dataset", "build", corpus, "--task", "generation", "--name", "summ", "--vocab-size", "1000", "--json"
    )
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)["stats"]
    assert stats["splits"]["train"] > stats["splits"]["test"] > 0
    assert stats["decontamination"]["test"]["exact"] == 0
    assert stats["skipped"]["no_docstring"] > 0
    assert run_cli("storage", "verify", "datasets/summ").exit_code == 0

    shown = run_cli("dataset", "show", "summ", "--samples", "2")
    assert shown.exit_code == 0, shown.output
    assert "# Dataset `summ`" in shown.output
    assert "test vs train: 0 exact" in shown.output
    assert "summ" in run_cli("dataset", "ls").output

    from datasets import load_from_disk
    from transformers import AutoTokenizer

    from codemill.infrastructure.datasets.hf_dataset_repository import HfDatasetRepository
    from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore

    folder = Path(
        HfDatasetRepository(LocalArtifactStore(data_root), cache_dir=tmp_path / "cache").local_copy("summ")
    )
    splits = load_from_disk(str(folder / "data"))
    assert set(splits) == {"train", "validation", "test"}
    assert {"text", "target"} <= set(splits["train"].column_names)
    tokenizer = AutoTokenizer.from_pretrained(str(folder / "tokenizer"))
    ids = tokenizer(splits["train"][0]["text"])["input_ids"]
    assert ids[0] == tokenizer.bos_token_id and ids[-1] == tokenizer.eos_token_id


def test_classification_on_a_corpus_field(run_cli: RunCli, corpus: str) -> None:
    result = run_cli(
        "dataset",
        "build",
        corpus,
        "--task",
        "classification",
        "--label-field",
        "kind",
        "--name",
        "kinds",
        "--vocab-size",
        "800",
        "--json",
    )
    assert result.exit_code == 0, result.output
    labels = json.loads(result.stdout)["stats"]["labels"]["train"]
    assert {"function", "method", "class"} <= set(labels)


def test_bad_input_is_one_line_and_writes_nothing(
    run_cli: RunCli, corpus: str, tmp_path: Path, data_root: Path
) -> None:
    missing = run_cli("dataset", "build", "nope", "--name", "x")
    assert missing.exit_code == 1 and "nope" in missing.output
    ratio = run_cli("dataset", "build", corpus, "--name", "x", "--split", "0.5,0.5,0.5")
    assert ratio.exit_code == 1 and "sum to 1" in ratio.output
    data = tmp_path / "rows.jsonl"
    data.write_text('{"func": "int f() { return 1; }", "target": 1}\n')
    columns = run_cli(
        "dataset",
        "build",
        "--file",
        str(data),
        "--task",
        "security",
        "--name",
        "x",
        "--label-column",
        "label",
    )
    assert columns.exit_code == 1 and "func, target" in columns.output
    assert not (data_root / "datasets" / "x").exists()
    for result in (missing, ratio, columns):
        assert "Traceback" not in result.output
