"""Two processes publishing one name at the same moment, on a local folder and on SeaweedFS."""

from __future__ import annotations

from codemill.application.publishing.artifacts import read_manifest, verify_manifest
from tests.support.race_workers import publish_rounds, race
from tests.support.store_specs import StoreSpec

ROUNDS = 20


def test_exactly_one_of_two_writers_publishes_and_the_other_leaves_nothing(store_spec: StoreSpec) -> None:
    prefixes = [f"corpora/race-{round_}" for round_ in range(ROUNDS)]
    reports = race(publish_rounds, [(store_spec, prefixes, me) for me in range(2)])

    store = store_spec.open()
    for prefix in prefixes:
        outcomes = {me: outcome for key, me, outcome in reports if key == prefix}
        winners = [me for me, outcome in outcomes.items() if outcome == "published"]
        assert len(outcomes) == 2 and len(winners) == 1, (prefix, outcomes)
        loser_message = outcomes[1 - winners[0]]
        assert "is being written by another run" in loser_message or "already exists" in loser_message
        assert "\n" not in loser_message
        assert verify_manifest(store, prefix).ok
        assert read_manifest(store, prefix).metadata["writer"] == winners[0]
        shard = store.get(f"{prefix}/data/shard-00000.parquet")
        assert shard.startswith(f"{prefix}/0 by worker {winners[0]}".encode())
    assert not [key for key in store.list(".locks/")]  # every claim was released
    refused = sum(1 for *_, outcome in reports if outcome != "published")
    print(f"{store_spec.kind}: {ROUNDS} rounds, {ROUNDS} published, {refused} refused")
