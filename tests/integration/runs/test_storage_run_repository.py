from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from codemill.application.publishing.artifacts import read_manifest, verify_manifest
from codemill.domain.errors import ArtifactNotFoundError, InputError, IntegrityError
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.infrastructure.runs import StorageRunRepository
from codemill.infrastructure.storage.local_artifact_store import LocalArtifactStore
from codemill.infrastructure.storage.s3_artifact_store import S3ArtifactStore
from tests.support.recording_store import RecordingStore
from tests.support.seaweedfs_server import SeaweedServer

RECORD = "codemill_checkpoint.json"
CKPT = "runs/demo/checkpoints"


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> RecordingStore:
    if request.param == "local":
        return RecordingStore(LocalArtifactStore(tmp_path / "store"))
    server: SeaweedServer = request.getfixturevalue("seaweedfs")
    return RecordingStore(S3ArtifactStore(server.client(), server.create_bucket()))


@pytest.fixture
def repo(store: RecordingStore) -> StorageRunRepository:
    return StorageRunRepository(store)


def write_checkpoint(root: Path, step: int, *, scale: float = 1.0, record: bool = True) -> Path:
    """A checkpoint folder with real safetensors weights, a JSON state file and (optionally) its record."""
    folder = root / f"checkpoint-{step}"
    (folder / "nested").mkdir(parents=True, exist_ok=True)
    save_file({"w": np.full((4, 3), step * scale, dtype=np.float32)}, str(folder / "model.safetensors"))
    (folder / "nested" / "trainer_state.json").write_text(json.dumps({"global_step": step}))
    if record:
        files = {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != RECORD
        }
        meta = {"step": step, "epoch": step / 10, "metrics": {"loss": 1 / step}, "config_hash": "abc"}
        (folder / RECORD).write_text(json.dumps({**meta, "schema_version": 1, "files": files}))
    return folder


def stored(store: ArtifactStore, prefix: str = CKPT) -> list[str]:
    return list(store.list(prefix + "/"))


def test_sync_uploads_each_checkpoint_with_its_record_last(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path
) -> None:
    local = tmp_path / "run" / "checkpoints"
    write_checkpoint(local, 10)
    write_checkpoint(local, 20)
    write_checkpoint(local, 30, record=False)  # being written: no record yet

    repo.sync_checkpoints("demo", str(local))

    for step in (10, 20):
        prefix = f"{CKPT}/checkpoint-{step}/"
        puts = [key for key in store.puts if key.startswith(prefix)]
        assert sorted(puts) == sorted(
            prefix + p for p in (RECORD, "model.safetensors", "nested/trainer_state.json")
        )
        assert puts[-1] == prefix + RECORD
        assert (
            store.get(prefix + "model.safetensors")
            == (local / f"checkpoint-{step}/model.safetensors").read_bytes()
        )
    assert not any("checkpoint-30" in key for key in stored(store))


def test_sync_skips_unchanged_reuploads_changed_and_deletes_pruned(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path
) -> None:
    local = tmp_path / "checkpoints"
    for step in (10, 20, 30):
        write_checkpoint(local, step)
    repo.sync_checkpoints("demo", str(local))
    store.puts.clear()

    repo.sync_checkpoints("demo", str(local))
    assert store.puts == []

    shutil.rmtree(local / "checkpoint-10")
    write_checkpoint(local, 30, scale=2.0)  # same step, new weights and record
    repo.sync_checkpoints("demo", str(local))

    assert {key.split("/")[3] for key in stored(store)} == {"checkpoint-20", "checkpoint-30"}
    assert store.get(f"{CKPT}/checkpoint-30/{RECORD}") == (local / "checkpoint-30" / RECORD).read_bytes()
    assert store.puts[-1] == f"{CKPT}/checkpoint-30/{RECORD}"
    assert not any("checkpoint-20" in key for key in store.puts)


def test_sync_refuses_a_local_checkpoint_that_no_longer_matches_its_record(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    local = tmp_path / "checkpoints"
    write_checkpoint(local, 10)
    (local / "checkpoint-10" / "model.safetensors").write_bytes(b"changed after the record")

    with caplog.at_level(logging.WARNING):
        repo.sync_checkpoints("demo", str(local))

    assert stored(store) == []
    assert "does not match its record checksum" in caplog.text


def test_sync_without_a_local_folder_deletes_nothing(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path
) -> None:
    write_checkpoint(tmp_path / "checkpoints", 10)
    repo.sync_checkpoints("demo", str(tmp_path / "checkpoints"))

    repo.sync_checkpoints("demo", str(tmp_path / "elsewhere"))

    assert len(stored(store)) == 3


def test_fetch_verifies_and_ignores_half_uploaded_and_corrupted_checkpoints(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    local = tmp_path / "here"
    for step in (10, 20, 30):
        write_checkpoint(local, step)
    repo.sync_checkpoints("demo", str(local))
    store.delete(f"{CKPT}/checkpoint-30/{RECORD}")  # as if the upload stopped before the record
    store.put(f"{CKPT}/checkpoint-20/model.safetensors", b"bit rot")

    there = tmp_path / "there"
    with caplog.at_level(logging.WARNING):
        fetched = repo.fetch_checkpoints("demo", str(there))

    assert fetched == 1
    for relative in (RECORD, "model.safetensors", "nested/trainer_state.json"):
        assert (there / "checkpoint-10" / relative).read_bytes() == (
            local / "checkpoint-10" / relative
        ).read_bytes()
    assert not (there / "checkpoint-20" / RECORD).exists()
    assert not (there / "checkpoint-30").exists()
    assert "checkpoint-20" in caplog.text
    assert "does not match" in caplog.text


def test_fetch_repairs_a_damaged_local_copy_and_reuses_an_intact_one(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path
) -> None:
    local = tmp_path / "here"
    write_checkpoint(local, 10)
    repo.sync_checkpoints("demo", str(local))
    there = tmp_path / "there"
    assert repo.fetch_checkpoints("demo", str(there)) == 1

    weights = there / "checkpoint-10" / "model.safetensors"
    weights.write_bytes(b"damaged")
    assert repo.fetch_checkpoints("demo", str(there)) == 1
    assert weights.read_bytes() == (local / "checkpoint-10" / "model.safetensors").read_bytes()
    assert repo.fetch_checkpoints("demo", str(there)) == 1
    assert repo.fetch_checkpoints("other", str(tmp_path / "none")) == 0


def test_publish_run_keeps_checkpoints_and_replaces_its_files(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path
) -> None:
    write_checkpoint(tmp_path / "checkpoints", 10)
    repo.sync_checkpoints("demo", str(tmp_path / "checkpoints"))
    files = {
        "metrics/history.json": b"[]\n",
        "metrics/loss.png": b"\x89PNG fake",
        "tensorboard/events.out.x": b"e",
    }
    record = {"name": "demo", "status": "completed", "config_hash": "c0ffee", "versions": {"codemill": "0.1"}}

    repo.publish_run("demo", files, record)
    manifest = repo.publish_run(
        "demo", {"metrics/history.json": b"[1]\n"}, {**record, "metrics": {"f1": 0.5}}
    )

    assert [e.path for e in manifest.entries] == ["metrics/history.json", "run.json"]
    assert manifest.kind == "run" and manifest.config_hash == "c0ffee" and manifest.code_version == "0.1"
    assert store.puts[-1] == "runs/demo/manifest.json"
    assert verify_manifest(store, "runs/demo").ok
    assert not store.exists("runs/demo/metrics/loss.png")
    assert len(stored(store)) == 3
    assert repo.record("demo")["metrics"] == {"f1": 0.5}
    assert repo.names() == ["demo"]
    with pytest.raises(InputError, match=r"run\.json"):
        repo.publish_run("demo", {"run.json": b"{}"}, record)


def test_names_and_record_see_published_runs_only(repo: StorageRunRepository, store: RecordingStore) -> None:
    repo.publish_run("b-run", {}, {"status": "completed"})
    repo.publish_run("a.run", {}, {"status": "interrupted"})
    store.put("runs/half/metrics/history.json", b"[]")  # never published
    store.put("runs/c/checkpoints/checkpoint-1/" + RECORD, b"{}")

    assert repo.names() == ["a.run", "b-run"]
    assert repo.record("a.run") == {"status": "interrupted"}
    with pytest.raises(ArtifactNotFoundError, match="run 'half' does not exist or was never completed"):
        repo.record("half")
    with pytest.raises(InputError, match="invalid run name"):
        repo.record("../etc")
    store.put("runs/b-run/run.json", b'{"status": "tampered"}')
    with pytest.raises(IntegrityError, match="checksum"):
        repo.record("b-run")


def model_folder(root: Path) -> Path:
    root.mkdir(parents=True)
    save_file({"w": np.ones((2, 2), dtype=np.float32)}, str(root / "model.safetensors"))
    (root / "config.json").write_text('{"model_type": "bert"}')
    (root / "tokenizer").mkdir()
    (root / "tokenizer" / "tokenizer.json").write_text("{}")
    (root / "README.md").write_text("stale card")
    return root


def test_export_model_writes_files_then_manifest_and_clears_the_old_model(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path
) -> None:
    store.put("models/demo/old-weights.safetensors", b"old")
    folder = model_folder(tmp_path / "best")
    extra = {"README.md": b"# Model card\n", "metrics.json": b'{"f1": 0.9}'}

    manifest = repo.export_model("demo", str(folder), extra)

    paths = ["README.md", "config.json", "metrics.json", "model.safetensors", "tokenizer/tokenizer.json"]
    assert [e.path for e in manifest.entries] == paths
    assert manifest.kind == "model"
    assert store.puts[-1] == "models/demo/manifest.json"
    assert sorted(store.list("models/demo/")) == sorted(
        [f"models/demo/{p}" for p in paths] + ["models/demo/manifest.json"]
    )
    assert store.get("models/demo/README.md") == b"# Model card\n"
    assert verify_manifest(store, "models/demo").ok
    assert repo.names() == []  # a model is not a run


@pytest.mark.parametrize("pickle_name", ["pytorch_model.bin", "optimizer.pt", "state.pkl"])
def test_export_model_refuses_pickle_weights_before_touching_storage(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path, pickle_name: str
) -> None:
    first = repo.export_model("demo", str(model_folder(tmp_path / "good")), {})
    folder = model_folder(tmp_path / "bad")
    (folder / pickle_name).write_bytes(b"\x80\x04pickle")
    store.puts.clear()
    store.deletes.clear()

    with pytest.raises(IntegrityError, match=pickle_name):
        repo.export_model("demo", str(folder), {})

    assert store.puts == [] and store.deletes == []
    assert read_manifest(store, "models/demo") == first


def test_export_model_refuses_a_folder_without_safetensors(
    repo: StorageRunRepository, tmp_path: Path
) -> None:
    folder = tmp_path / "empty-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    with pytest.raises(IntegrityError, match="safetensors"):
        repo.export_model("demo", str(folder), {})
    with pytest.raises(InputError, match="does not exist"):
        repo.export_model("demo", str(tmp_path / "missing"), {})


def test_fetch_model_downloads_a_verified_copy_and_lists_models(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path
) -> None:
    source = model_folder(tmp_path / "best")
    manifest = repo.export_model("demo", str(source), {"README.md": b"# card\n"})

    local = Path(repo.fetch_model("demo", str(tmp_path / "cache")))

    assert repo.model_manifest("demo") == manifest
    assert repo.model_names() == ["demo"]
    assert (local / "model.safetensors").read_bytes() == (source / "model.safetensors").read_bytes()
    assert (local / "tokenizer" / "tokenizer.json").is_file()
    assert (local / "README.md").read_bytes() == b"# card\n"
    stamp = (local / "model.safetensors").stat().st_mtime_ns
    assert repo.fetch_model("demo", str(tmp_path / "cache")) == str(local)  # reused, not downloaded again
    assert (local / "model.safetensors").stat().st_mtime_ns == stamp


def test_fetch_model_refuses_a_corrupted_object_and_a_missing_model(
    repo: StorageRunRepository, store: RecordingStore, tmp_path: Path
) -> None:
    repo.export_model("demo", str(model_folder(tmp_path / "best")), {})
    store.put("models/demo/config.json", b'{"tampered": true}')
    with pytest.raises(IntegrityError, match=r"config\.json"):
        repo.fetch_model("demo", str(tmp_path / "cache"))
    with pytest.raises(ArtifactNotFoundError, match="model 'other'"):
        repo.fetch_model("other", str(tmp_path / "cache"))
