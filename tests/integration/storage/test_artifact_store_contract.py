"""The ArtifactStore contract, run against every adapter (see the `store` fixture)."""

from __future__ import annotations

import hashlib
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from codemill.application.publishing.artifacts import ArtifactWriter, read_manifest, verify_manifest
from codemill.domain.errors import ArtifactNotFoundError, InvalidKeyError
from codemill.domain.manifest import MANIFEST_NAME
from codemill.domain.ports.artifact_store import ArtifactStore, ObjectInfo
from tests.support.race_workers import create_rounds, payload, race
from tests.support.recording_store import RecordingStore
from tests.support.store_specs import StoreSpec

BAD_KEYS = ["../escape", "a/../../b", "/etc/passwd", "a\\b", "a//b", "./a", "a/.", ""]


class OneWayStream:
    """A stream that can only be read forward, like a pipe."""

    def __init__(self, payload: bytes) -> None:
        self._inner = io.BytesIO(payload)

    def read(self, n: int = -1) -> bytes:
        return self._inner.read(n)


def patterned(size: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest() * 4096
    return (block * (size // len(block) + 1))[:size]


def test_put_and_get_bytes(store: ArtifactStore) -> None:
    store.put("runs/one/data.bin", b"\x00\x01payload")
    assert store.get("runs/one/data.bin") == b"\x00\x01payload"
    assert store.exists("runs/one/data.bin")


def test_put_stream_seekable_and_one_way(store: ArtifactStore) -> None:
    store.put("streams/seekable.txt", io.BytesIO(b"from a file object"))
    store.put("streams/pipe.txt", OneWayStream(b"from a pipe"))  # type: ignore[arg-type]
    assert store.get("streams/seekable.txt") == b"from a file object"
    assert store.get("streams/pipe.txt") == b"from a pipe"


def test_empty_object(store: ArtifactStore) -> None:
    store.put("empty", b"")
    assert store.get("empty") == b""
    assert list(store.list_objects("empty")) == [ObjectInfo(key="empty", size=0)]


def test_overwrite_replaces_content(store: ArtifactStore) -> None:
    store.put("doc.txt", b"first version, longer")
    store.put("doc.txt", b"second")
    assert store.get("doc.txt") == b"second"
    assert list(store.list("doc")) == ["doc.txt"]


def test_open_reads_as_a_stream(store: ArtifactStore) -> None:
    store.put("stream/me", b"0123456789" * 1000)
    with store.open("stream/me") as stream:
        assert stream.read(4) == b"0123"
        assert stream.read(6) == b"456789"
        rest = stream.read()
    assert len(rest) == 9990
    assert stream.closed


def test_delete_and_delete_missing(store: ArtifactStore) -> None:
    store.put("gone/soon", b"x")
    store.delete("gone/soon")
    assert not store.exists("gone/soon")
    store.delete("gone/soon")
    store.delete("never/was")
    assert list(store.list()) == []


def test_missing_key_raises_not_found(store: ArtifactStore) -> None:
    assert not store.exists("nope/missing.bin")
    with pytest.raises(ArtifactNotFoundError, match=r"nope/missing\.bin"):
        store.get("nope/missing.bin")
    with pytest.raises(ArtifactNotFoundError):
        store.open("nope/missing.bin")


def test_list_by_prefix_in_lexical_order(store: ArtifactStore) -> None:
    keys = ["z", "ab", "a/bc", "a/b1", "a/b/c", "a.txt", "a-c", "x/é", "x/~"]
    for key in keys:
        store.put(key, key.encode())
    assert list(store.list()) == sorted(keys)
    assert list(store.list("a")) == ["a-c", "a.txt", "a/b/c", "a/b1", "a/bc", "ab"]
    assert list(store.list("a/")) == ["a/b/c", "a/b1", "a/bc"]
    assert list(store.list("a/b")) == ["a/b/c", "a/b1", "a/bc"]
    assert list(store.list("missing/")) == []
    sizes = {info.key: info.size for info in store.list_objects("x/")}
    assert sizes == {"x/é": len("x/é".encode()), "x/~": 3}


def test_list_many_keys_across_pages(store: ArtifactStore) -> None:
    keys = [f"many/{i:05d}.txt" for i in range(1200)]  # S3 pages hold 1,000 keys
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda key: store.put(key, b"k"), reversed(keys)))
    assert list(store.list("many/")) == keys
    assert list(store.list("many/010")) == keys[1000:1100]
    assert store.delete_prefix("many/") == 1200
    assert list(store.list("many/")) == []


@pytest.mark.parametrize("bad_key", BAD_KEYS)
def test_unsafe_keys_are_rejected(store: ArtifactStore, bad_key: str) -> None:
    operations = [
        lambda: store.put(bad_key, b"x"),
        lambda: store.get(bad_key),
        lambda: store.open(bad_key),
        lambda: store.exists(bad_key),
        lambda: store.delete(bad_key),
        lambda: store.create(bad_key, b"x"),
    ]
    for operation in operations:
        with pytest.raises(InvalidKeyError):
            operation()
    assert list(store.list()) == []


def test_unsafe_list_prefix_is_rejected(store: ArtifactStore) -> None:
    with pytest.raises(InvalidKeyError):
        list(store.list("../"))


def test_large_object_round_trips(store: ArtifactStore) -> None:
    payload = patterned(20 * (1 << 20), seed=1)  # four 5 MiB parts on S3
    store.put("big/blob.bin", payload)
    streamed = patterned(11 * (1 << 20), seed=2)
    store.put("big/streamed.bin", OneWayStream(streamed))  # type: ignore[arg-type]
    assert store.get("big/blob.bin") == payload
    with store.open("big/streamed.bin") as stream:
        assert hashlib.sha256(stream.read()).digest() == hashlib.sha256(streamed).digest()
    assert {info.key: info.size for info in store.list_objects("big/")} == {
        "big/blob.bin": len(payload),
        "big/streamed.bin": len(streamed),
    }


def publish_sample(store: ArtifactStore, prefix: str) -> None:
    writer = ArtifactWriter(store, prefix, kind="corpus")
    writer.write("shards/part-0.txt", "alpha\n")
    writer.write_stream("shards/part-1.bin", io.BytesIO(patterned(70_000)))
    assert not store.exists(f"{prefix}/{MANIFEST_NAME}")
    writer.publish(config_hash="abc123", tool_versions={"codemill": "test"})


def test_writer_publishes_manifest_last(store: ArtifactStore) -> None:
    recording = RecordingStore(store)
    publish_sample(recording, "runs/r1")
    assert recording.puts[-1] == f"runs/r1/{MANIFEST_NAME}"
    manifest = read_manifest(store, "runs/r1")
    assert [e.path for e in manifest.entries] == ["shards/part-0.txt", "shards/part-1.bin"]
    assert verify_manifest(store, "runs/r1").ok


def test_verify_catches_corrupted_and_missing_artifacts(store: ArtifactStore) -> None:
    publish_sample(store, "runs/r2")
    store.put("runs/r2/shards/part-0.txt", b"tampered\n")
    store.delete("runs/r2/shards/part-1.bin")
    report = verify_manifest(store, "runs/r2")
    assert not report.ok
    assert report.mismatched == ("shards/part-0.txt",)
    assert report.missing == ("shards/part-1.bin",)


def test_rewriting_a_prefix_unpublishes_it_first(store: ArtifactStore) -> None:
    publish_sample(store, "runs/r3")
    writer = ArtifactWriter(store, "runs/r3", kind="corpus")
    with pytest.raises(ArtifactNotFoundError, match="runs/r3"):
        read_manifest(store, "runs/r3")
    writer.write("shards/part-0.txt", "beta\n")
    writer.publish()
    assert [e.path for e in read_manifest(store, "runs/r3").entries] == ["shards/part-0.txt"]


def test_create_writes_only_a_key_no_object_has(store: ArtifactStore) -> None:
    key = "claims/00000001.json"
    assert store.create(key, b"first")
    assert not store.create(key, b"second")
    assert store.get(key) == b"first"
    store.put("plain.txt", b"put")
    assert not store.create("plain.txt", b"created")
    assert store.get("plain.txt") == b"put"
    store.delete(key)
    assert store.create(key, b"third") and store.get(key) == b"third"
    assert store.create("empty/created", b"") and store.get("empty/created") == b""
    assert list(store.list()) == ["claims/00000001.json", "empty/created", "plain.txt"]  # nothing else


CREATE_ROUNDS, CREATORS = 6, 12


def test_threads_creating_one_key_have_exactly_one_winner(store: ArtifactStore) -> None:
    assert store.conditional_writes  # every backend here creates atomically (see the S3 specifics)
    for round_ in range(CREATE_ROUNDS):
        key = f"race/{round_:02d}.json"
        barrier = threading.Barrier(CREATORS)

        def attempt(me: int, key: str = key, barrier: threading.Barrier = barrier) -> bool:
            barrier.wait(timeout=60)
            return store.create(key, payload(key, me))

        with ThreadPoolExecutor(max_workers=CREATORS) as pool:
            created = list(pool.map(attempt, range(CREATORS)))
        assert created.count(True) == 1, f"round {round_}: {created}"
        assert store.get(key) == payload(key, created.index(True))  # the winner's bytes, whole


def test_processes_creating_one_key_have_exactly_one_winner(store_spec: StoreSpec) -> None:
    keys = [f"race/{round_:02d}.json" for round_ in range(CREATE_ROUNDS)]
    reports = race(create_rounds, [(store_spec, keys, me) for me in range(4)])
    store = store_spec.open()
    for key in keys:
        winners = [me for reported, me, created in reports if reported == key and created]
        assert len(winners) == 1, f"{key}: {winners}"
        assert store.get(key) == payload(key, winners[0])
