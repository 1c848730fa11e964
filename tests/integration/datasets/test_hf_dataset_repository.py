from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

import pytest

from codemill.application.publishing.artifacts import verify_manifest
from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.errors import ArtifactNotFoundError, InputError, IntegrityError
from codemill.domain.ports.dataset_repository import DatasetBundle
from codemill.infrastructure.datasets import HfDatasetRepository
from codemill.infrastructure.plots import histogram_png
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
from codemill.infrastructure.tokenizers import HfTokenizerProvider


class RecordingStore(LocalArtifactStore):
    """A real local store that remembers the order of its writes."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.puts: list[str] = []

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        super().put(key, data)
        self.puts.append(key)


def sample(i: int, **fields: object) -> Sample:
    code = f"def f{i}(x):\n    return x + {i}  # ünï ✓\n"
    return Sample(id=f"s{i}", text=code, group=f"g{i // 2}", cluster=f"c{i}", language="python", **fields)


CLASSIFICATION = {
    "train": [sample(i, label=("python", "go")[i % 2]) for i in range(6)],
    "validation": [sample(i, label="go") for i in range(6, 8)],
    "test": [],
}
GENERATION = {
    "train": [sample(i, target=f"Add {i}.") for i in range(4)] + [sample(4)],
    "test": [sample(5, target="Add five.")],
}
MULTI_LABEL = {
    "train": [sample(0, labels=("B602", "B105")), sample(1), sample(2, labels=("B105",))],
    "validation": [sample(3, labels=("B602",))],
}


@pytest.fixture(scope="module")
def tokenizer_files() -> dict[str, bytes]:
    texts = [s.text for s in CLASSIFICATION["train"]] * 5
    return HfTokenizerProvider().train(texts, vocab_size=300, min_frequency=2).files()


@pytest.fixture
def store(tmp_path: Path) -> RecordingStore:
    return RecordingStore(tmp_path / "store")


@pytest.fixture
def repo(store: RecordingStore, tmp_path: Path) -> HfDatasetRepository:
    return HfDatasetRepository(store, cache_dir=tmp_path / "cache")


def bundle(task: TaskSpec, labels: tuple[str, ...], tokenizer_files: dict[str, bytes]) -> DatasetBundle:
    return DatasetBundle(
        task=task,
        label_names=labels,
        tokenizer_files=tokenizer_files,
        stats={"samples": 8, "skipped": {"too_long": 1}},
        card="# Dataset\n\nA test dataset.\n",
        plots={"code_tokens.png": histogram_png([3, 5, 8], title="code", xlabel="tokens", limit=6)},
        source_manifest_sha256="ab" * 32,
        config_hash="0123456789abcdef",
    )


def test_classification_publishes_a_loadable_dataset_dict(
    repo: HfDatasetRepository, store: RecordingStore, tokenizer_files: dict[str, bytes]
) -> None:
    from datasets import ClassLabel, load_from_disk
    from transformers import AutoTokenizer

    task = TaskSpec(task=TaskType.CLASSIFICATION, label_field="language")
    manifest = repo.publish("cls", CLASSIFICATION, bundle(task, ("go", "python"), tokenizer_files))
    assert store.puts[-1] == "datasets/cls/manifest.json"
    assert verify_manifest(store, "datasets/cls").ok
    paths = {e.path for e in manifest.entries}
    assert {"data/dataset_dict.json", "tokenizer/tokenizer.json", "label_map.json", "stats.json"} <= paths
    assert {"README.md", "plots/code_tokens.png"} <= paths
    assert manifest.kind == "dataset" and manifest.config_hash == "0123456789abcdef"
    assert manifest.metadata["splits"] == {"train": 6, "validation": 2, "test": 0}
    assert manifest.metadata["task"] == "classification" and manifest.metadata["label_field"] == "language"
    assert manifest.metadata["source_manifest_sha256"] == "ab" * 32
    assert {"datasets", "tokenizers", "transformers", "pyarrow"} <= set(manifest.tool_versions)
    assert repo.names() == ["cls"]
    assert repo.manifest("cls") == manifest

    folder = repo.local_copy("cls")
    loaded = load_from_disk(folder + "/data")
    assert loaded["train"].features["label"] == ClassLabel(names=["go", "python"])
    assert loaded["train"].column_names == ["id", "text", "label", "group", "cluster", "language"]
    assert loaded["train"]["label"] == [1, 0, 1, 0, 1, 0]
    assert len(loaded["test"]) == 0
    tokenizer = AutoTokenizer.from_pretrained(folder + "/tokenizer", local_files_only=True)
    assert tokenizer("def f(x): pass")["input_ids"][0] == tokenizer.bos_token_id
    label_map = json.loads(Path(folder, "label_map.json").read_text())
    assert label_map == {"labels": ["go", "python"], "label2id": {"go": 0, "python": 1}}


def test_samples_stats_and_card_round_trip(
    repo: HfDatasetRepository, tokenizer_files: dict[str, bytes]
) -> None:
    task = TaskSpec(task=TaskType.CLASSIFICATION)
    repo.publish("cls", CLASSIFICATION, bundle(task, ("go", "python"), tokenizer_files))
    assert list(repo.samples("cls", "train")) == CLASSIFICATION["train"]
    assert list(repo.samples("cls", "validation", limit=1)) == CLASSIFICATION["validation"][:1]
    assert list(repo.samples("cls", "test")) == []
    assert repo.stats("cls") == {"samples": 8, "skipped": {"too_long": 1}}
    assert repo.card("cls").startswith("# Dataset")
    with pytest.raises(InputError, match="no split 'dev'"):
        repo.samples("cls", "dev")


def test_generation_keeps_targets_and_no_label(
    repo: HfDatasetRepository, tokenizer_files: dict[str, bytes]
) -> None:
    from datasets import Value, load_from_disk

    repo.publish("gen", GENERATION, bundle(TaskSpec(task=TaskType.GENERATION), (), tokenizer_files))
    data = load_from_disk(repo.local_copy("gen") + "/data")
    assert data["train"].column_names == ["id", "text", "target", "group", "cluster", "language"]
    assert data["train"].features["target"] == Value("string")
    assert list(repo.samples("gen", "train")) == GENERATION["train"]  # a missing target stays None
    assert repo.manifest("gen").metadata["subtask"] == "summarize"


def test_multi_label_security_uses_a_sequence_of_class_labels(
    repo: HfDatasetRepository, tokenizer_files: dict[str, bytes]
) -> None:
    from datasets import load_from_disk

    task = TaskSpec(task=TaskType.SECURITY, subtask="test_id")
    repo.publish("sec", MULTI_LABEL, bundle(task, ("B105", "B602"), tokenizer_files))
    data = load_from_disk(repo.local_copy("sec") + "/data")
    assert "label" not in data["train"].column_names
    assert data["train"].features["labels"].feature.names == ["B105", "B602"]
    assert data["train"]["labels"] == [[1, 0], [], [0]]
    assert list(repo.samples("sec", "train")) == MULTI_LABEL["train"]
    assert repo.manifest("sec").metadata["multi_label"] is True


def test_local_copy_is_cached_and_detects_a_corrupted_file(
    repo: HfDatasetRepository, store: RecordingStore, tokenizer_files: dict[str, bytes], tmp_path: Path
) -> None:
    task = TaskSpec(task=TaskType.CLASSIFICATION)
    repo.publish("cls", CLASSIFICATION, bundle(task, ("go", "python"), tokenizer_files))
    first = repo.local_copy("cls")
    assert Path(first, ".complete").is_file() and Path(first, "manifest.json").is_file()
    assert repo.local_copy("cls") == first

    repo.publish("cls2", CLASSIFICATION, bundle(task, ("go", "python"), tokenizer_files))
    shard = next(k for k in store.list("datasets/cls2/data/train/") if k.endswith(".arrow"))
    corrupted = bytearray(store.get(shard))
    corrupted[-10] ^= 0xFF
    (tmp_path / "store" / shard).write_bytes(bytes(corrupted))
    with pytest.raises(IntegrityError, match=r"data/train/data-00000-of-00001\.arrow"):
        repo.local_copy("cls2")
    assert not any((tmp_path / "cache").glob("cls2-*/.complete"))


def test_republishing_replaces_every_old_file_and_bad_input_keeps_the_old_dataset(
    repo: HfDatasetRepository, store: RecordingStore, tokenizer_files: dict[str, bytes]
) -> None:
    task = TaskSpec(task=TaskType.CLASSIFICATION)
    repo.publish("cls", CLASSIFICATION, bundle(task, ("go", "python"), tokenizer_files))
    smaller = {"train": CLASSIFICATION["train"]}
    repo.publish(
        "cls", smaller, bundle(task, ("go", "python"), {"tokenizer.json": tokenizer_files["tokenizer.json"]})
    )
    keys = list(store.list("datasets/cls/"))
    assert not [k for k in keys if k.startswith(("datasets/cls/data/test/", "datasets/cls/data/validation/"))]
    assert "datasets/cls/tokenizer/tokenizer_config.json" not in keys
    assert {e.path for e in repo.manifest("cls").entries} == {
        k.removeprefix("datasets/cls/") for k in keys
    } - {"manifest.json"}
    unknown_label = {"train": [sample(1, label="rust")]}
    with pytest.raises(InputError, match="'rust'"):
        repo.publish("cls", unknown_label, bundle(task, ("go", "python"), tokenizer_files))
    assert repo.manifest("cls").metadata["splits"] == {"train": 6}
    assert verify_manifest(store, "datasets/cls").ok


def test_bad_names_and_missing_datasets(repo: HfDatasetRepository, tokenizer_files: dict[str, bytes]) -> None:
    task = TaskSpec(task=TaskType.CLASSIFICATION)
    for bad in ("", "../x", "a/b", "-lead", "x" * 101):
        with pytest.raises(InputError, match="invalid dataset name"):
            repo.publish(bad, CLASSIFICATION, bundle(task, ("go", "python"), tokenizer_files))
    for read in (repo.manifest, repo.local_copy, repo.stats, repo.card):
        with pytest.raises(
            ArtifactNotFoundError, match="dataset 'absent' does not exist or was never completed"
        ):
            read("absent")
    with pytest.raises(ArtifactNotFoundError):
        repo.samples("absent", "train")
    with pytest.raises(InputError, match="label names"):
        repo.publish("nolabels", CLASSIFICATION, bundle(task, (), tokenizer_files))
    assert repo.names() == []
