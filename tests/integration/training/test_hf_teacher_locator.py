"""HfTeacherLocator: local folders and their fingerprints, hub names from the cache or refused offline,
and the vocabulary check against a dataset's tokenizer."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.infrastructure.tokenizers.bpe_tokenizer_provider import HfTokenizerProvider
from codemill.infrastructure.training.distillation.hf_teacher_locator import HfTeacherLocator
from tests.integration.training.training_data import language_samples

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _folder(root: Path, dataset_dir: Path | None = None) -> Path:
    """A model folder's files, as the locator sees them (the weights need not load here)."""
    root.mkdir(parents=True)
    (root / "config.json").write_text(json.dumps({"model_type": "t5", "vocab_size": 400}))
    (root / "model.safetensors").write_bytes(b"weights")
    if dataset_dir is not None:
        for path in (dataset_dir / "tokenizer").iterdir():
            shutil.copy(path, root / path.name)
    return root


def _expected_fingerprint(folder: Path, names: list[str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update(f"{name}\0{hashlib.sha256((folder / name).read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def test_a_local_folder_is_fingerprinted_by_the_names_and_contents_of_what_loading_reads(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path / "my-teacher")
    (folder / "training_args.bin").write_bytes(b"pickle, never loaded")
    (folder / ".DS_Store").write_bytes(b"hidden")
    (folder / "checkpoint-5").mkdir()
    located = HfTeacherLocator().locate(str(folder))
    assert located is not None and located.origin == "local" and located.revision is None
    assert located.folder == located.reference == str(folder.resolve())
    assert located.fingerprint == _expected_fingerprint(folder, ["config.json", "model.safetensors"])

    (folder / "model.safetensors").write_bytes(b"other weights")
    assert HfTeacherLocator().locate(str(folder)).fingerprint != located.fingerprint
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "model.safetensors").rename(folder / "renamed.safetensors")
    assert HfTeacherLocator().locate(str(folder)).fingerprint != located.fingerprint


def test_a_folder_without_config_or_safetensors_weights_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "pickled")
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(b"pickle")
    with pytest.raises(
        InputError, match=re.escape("has no safetensors weights (pickle-based ones are never loaded)")
    ):
        HfTeacherLocator().locate(str(folder))
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "config.json").unlink()
    with pytest.raises(InputError, match=re.escape("has no config.json")):
        HfTeacherLocator().locate(str(folder))
    with pytest.raises(InputError, match="is a file"):
        HfTeacherLocator().locate(str(folder / "model.safetensors"))


@pytest.mark.parametrize("reference", ["./missing", "/no/such/teacher", "a/b/c", "plain-name", "~/absent"])
def test_what_is_neither_a_folder_nor_a_hub_name_is_not_located(reference: str) -> None:
    assert HfTeacherLocator().locate(reference) is None


def test_a_hub_name_offline_and_not_cached_fails_with_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError) as raised:
        HfTeacherLocator(hub_cache_dir=str(tmp_path)).locate("someone/absent-model")
    message = str(raised.value)
    assert message.startswith("cannot download teacher 'someone/absent-model'")
    assert message.endswith("pass a local folder") and "\n" not in message


def test_a_cached_hub_model_is_found_offline_with_its_commit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    repo = tmp_path / "models--someone--tiny-t5"
    _folder(repo / "snapshots" / COMMIT)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    located = HfTeacherLocator(hub_cache_dir=str(tmp_path)).locate("someone/tiny-t5")
    assert located is not None and located.origin == "hub" and located.reference == "someone/tiny-t5"
    assert located.revision == COMMIT and Path(located.folder) == repo / "snapshots" / COMMIT
    decided_by = json.dumps({"hub": "someone/tiny-t5", "revision": COMMIT}, sort_keys=True)
    assert located.fingerprint == hashlib.sha256(decided_by.encode()).hexdigest()


def test_the_vocabulary_check_names_the_folder_to_build_the_dataset_with(
    classification_dir: Path, tmp_path: Path
) -> None:
    same = _folder(tmp_path / "same", classification_dir)
    HfTeacherLocator().check_vocabulary(str(same), str(classification_dir))

    other = _folder(tmp_path / "other")
    texts = [sample.text for sample in language_samples(60, 9)]
    for name, payload in HfTokenizerProvider().train(texts, vocab_size=300, min_frequency=1).files().items():
        (other / name).write_bytes(payload)
    with pytest.raises(InputError, match=re.escape(f"build the dataset with --tokenizer {other}")) as raised:
        HfTeacherLocator().check_vocabulary(str(other), str(classification_dir))
    assert "\n" not in str(raised.value)


def test_a_teacher_without_a_tokenizer_must_embed_the_dataset_vocabulary(
    classification_dir: Path, tmp_path: Path
) -> None:
    folder = _folder(tmp_path / "bare")  # config.json says 400 tokens, no tokenizer files
    (folder / "config.json").write_text(json.dumps({"model_type": "t5", "vocab_size": 8}))
    with pytest.raises(InputError, match="embeds 8 tokens but the dataset's tokenizer has"):
        HfTeacherLocator().check_vocabulary(str(folder), str(classification_dir))
    (folder / "config.json").write_text(json.dumps({"model_type": "t5", "vocab_size": 100_000}))
    HfTeacherLocator().check_vocabulary(str(folder), str(classification_dir))  # a warning only
