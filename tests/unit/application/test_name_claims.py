"""Name claims on a store: one writer at a time, published names kept unless overwritten."""

from __future__ import annotations

import json

import pytest

from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.application.publishing.name_claims import NameClaims
from codemill.domain.errors import InputError
from tests.fakes.memory_store import InMemoryArtifactStore


def _publish(store: InMemoryArtifactStore, prefix: str) -> str:
    writer = ArtifactWriter(store, prefix, kind="corpus")
    writer.write("a.txt", b"a")
    return writer.publish().digest()


def test_a_second_writer_of_the_same_name_is_refused_until_the_first_releases() -> None:
    store = InMemoryArtifactStore()
    claims = NameClaims(store)
    first = claims.claim("corpora/docs", what="corpus 'docs'", overwrite=False)
    with pytest.raises(InputError, match="corpus 'docs' is being written by another run"):
        claims.claim("corpora/docs", what="corpus 'docs'", overwrite=False)
    claims.claim("corpora/other", what="corpus 'other'", overwrite=False)  # other names are free
    claims.release(first)
    claims.release(claims.claim("corpora/docs", what="corpus 'docs'", overwrite=False))
    assert not [key for key in store.list("") if key.startswith(".locks/corpora/docs")]


def test_a_published_name_needs_overwrite_and_records_what_it_replaces() -> None:
    store = InMemoryArtifactStore()
    digest = _publish(store, "corpora/docs")
    claims = NameClaims(store)
    with pytest.raises(InputError, match=r"corpus 'docs' already exists \(published .*--overwrite"):
        claims.claim("corpora/docs", what="corpus 'docs'", overwrite=False)
    with claims.held("corpora/docs", what="corpus 'docs'", overwrite=True) as claim:
        assert claim.replaces == digest and claim.lineage() == {"replaces": digest}
    with claims.held("corpora/new", what="corpus 'new'", overwrite=True) as claim:
        assert claim.lineage() == {}


def test_a_claim_left_by_a_dead_process_on_this_host_is_taken_over() -> None:
    store = InMemoryArtifactStore()
    claims = NameClaims(store)
    claim = claims.claim("corpora/docs", what="corpus 'docs'", overwrite=False)
    holder = json.loads(store.get(claim.lock_key))
    store.put(claim.lock_key, json.dumps({**holder, "pid": 2**22 + 12345}).encode())  # no such process
    taken = claims.claim("corpora/docs", what="corpus 'docs'", overwrite=False)
    assert json.loads(store.get(taken.lock_key))["pid"] == holder["pid"]


def test_a_claim_held_on_another_host_names_its_lock_object() -> None:
    store = InMemoryArtifactStore()
    claims = NameClaims(store)
    claim = claims.claim("corpora/docs", what="corpus 'docs'", overwrite=False)
    store.put(claim.lock_key, json.dumps({"host": "elsewhere", "pid": 1, "since": "then"}).encode())
    with pytest.raises(InputError, match=r"host elsewhere, pid 1.*\.locks/corpora/docs\.json"):
        claims.claim("corpora/docs", what="corpus 'docs'", overwrite=False)
