"""Concurrent registry writers in separate processes, on a local folder and on SeaweedFS.

Two processes move one alias at the same moment, round after round: each
round, both moves must be in the history (one per slot, in order, each
entry's `from` the previous entry's `to`), none lost or damaged, and the
alias must end at the last entry. Two processes registering at the same
moment must get different version numbers.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from codemill.application.publishing.artifacts import verify_manifest
from codemill.application.registry.register_model import RegisterRequest
from codemill.infrastructure.registry.storage_model_registry import StorageModelRegistry
from tests.integration.registry.conftest import Registry
from tests.support.race_workers import move_rounds, race, register_rounds
from tests.support.store_specs import StoreSpec

MOVE_ROUNDS = 20
REGISTER_ROUNDS = 5


def test_two_processes_moving_one_alias_lose_no_move(
    store_spec: StoreSpec, registry: Registry, model_folder: Path
) -> None:
    for _ in range(2):
        registry.register.execute(RegisterRequest(model=str(model_folder), name="kinds"))
    movers = [
        (store_spec, "kinds", "production", version, me, MOVE_ROUNDS) for me, version in ((0, 1), (1, 2))
    ]
    reports = race(move_rounds, movers)

    history = StorageModelRegistry(store_spec.open()).history("kinds", "production")  # read afresh
    assert [move.seq for move in history] == list(range(1, 2 * MOVE_ROUNDS + 1))
    for round_ in range(MOVE_ROUNDS):
        pair = history[2 * round_ : 2 * round_ + 2]
        assert {move.reason for move in pair} == {f"mover 0 round {round_}", f"mover 1 round {round_}"}
    for move in history:
        mover = int(move.reason.split()[1])
        assert (move.to_version, move.user) == (mover + 1, f"mover-{mover}")
    assert history[0].from_version is None
    assert all(later.from_version == earlier.to_version for earlier, later in itertools.pairwise(history))
    assert registry.resolver.current_version("kinds", "production") == history[-1].to_version
    assert sorted(seq for _, _, seq, _ in reports) == list(range(1, 2 * MOVE_ROUNDS + 1))
    retried = sum(1 for *_, attempts in reports if attempts > 1)
    print(f"{store_spec.kind}: {MOVE_ROUNDS} rounds, {len(history)} entries, {retried} moves retried a slot")


def test_two_processes_registering_at_once_get_different_versions(
    store_spec: StoreSpec, registry: Registry, model_folder: Path
) -> None:
    registrars = [(store_spec, str(model_folder), "kinds", me, REGISTER_ROUNDS) for me in range(2)]
    reports = race(register_rounds, registrars)

    versions = sorted(version for *_, version in reports)
    assert versions == list(range(1, 2 * REGISTER_ROUNDS + 1))
    for round_ in range(REGISTER_ROUNDS):
        assert len({version for r, _, version in reports if r == round_}) == 2
    assert registry.registry.versions("kinds") == versions
    for version in versions:
        assert verify_manifest(registry.store, f"registry/kinds/versions/{version}").ok
    print(
        f"{store_spec.kind}: {len(versions)} registrations in {REGISTER_ROUNDS} rounds, versions {versions}"
    )
