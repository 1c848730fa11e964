"""`codemill distill --teacher ./folder`: a teacher made with transformers, never published to storage."""

import json
from pathlib import Path

import pytest

from codemill.infrastructure.tokenizers.bpe_tokenizer_provider import HfTokenizerProvider
from tests.e2e.conftest import RunCli
from tests.integration.training.training_data import name_samples
from tests.support.own_teacher import save_t5_teacher, write_code_file

BUDGET = ("--max-steps", "4", "--eval-every", "4", "--batch-size", "8", "--max-input-length", "32")


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/e2e/conftest.py


def test_distill_from_a_local_teacher_folder(
    run_cli: RunCli, tmp_path: Path, data_root: Path, monkeypatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    env = {"CODEMILL_WORK_DIR": str(tmp_path / "work"), "CODEMILL_CACHE_DIR": str(tmp_path / "cache")}
    texts = [f"{sample.text} {sample.target}" for sample in name_samples(120, 1)]
    tokenizer = HfTokenizerProvider().train(texts, vocab_size=400, min_frequency=1).files()
    teacher = save_t5_teacher(tmp_path / "my-codet5", tokenizer)
    write_code_file(tmp_path / "names.jsonl", name_samples(160, 4))

    built = run_cli(
        "dataset", "build", "--file", "names.jsonl", "--target-column", "target", "--task", "generation",
        "--name", "names", "--tokenizer", "./my-codet5",
        "--max-input-length", "32", "--max-target-length", "8", env=env,
    )  # fmt: skip
    assert built.exit_code == 0, built.output
    distilled = run_cli(
        "distill", "--teacher", "./my-codet5", "--dataset", "names", "--name", "student", *BUDGET,
        "--max-target-length", "8", "--json", env=env,
    )  # fmt: skip
    assert distilled.exit_code == 0, distilled.output
    payload = json.loads(distilled.stdout)
    assert payload["status"] == "completed" and payload["model"] == "models/student"
    assert sorted(path.name for path in (data_root / "models").iterdir()) == ["student"]
    shown = json.loads(run_cli("runs", "show", "student", "--json", env=env).stdout)
    assert shown["teacher"] == str(teacher.resolve()) and shown["teacher_origin"] == "local"
    assert len(shown["teacher_fingerprint"]) == 64

    missing = run_cli(
        "distill", "--teacher", "./nowhere/teacher", "--dataset", "names", "--name", "s2", env=env
    )
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    assert missing.output.strip().splitlines() == [
        "Error: teacher './nowhere/teacher' is not a model in storage, an existing folder nor a hub name "
        "(org/name): pass a model folder (config.json, safetensors weights, tokenizer)"
    ]
