"""Alias moves with fakes: set, promote (with --require-validation), rollback, and concurrent movers."""

from __future__ import annotations

import pytest

from codemill.application.registry.alias_mover import AliasMover
from codemill.application.registry.promote_model import PromoteModel, PromoteRequest
from codemill.application.registry.rollback_alias import RollbackAlias, RollbackRequest
from codemill.application.registry.set_alias import AliasRequest, SetAlias
from codemill.domain.alias_history import AliasMove
from codemill.domain.errors import ArtifactNotFoundError, InputError, StorageError
from codemill.domain.registry import ValidationVerdict
from tests.fakes.registry_fakes import MemoryModelRegistry

PASSED = {"passed": True, "report": "validations/r1", "created_at": "t", "dataset": "kinds"}
FAILED = {**PASSED, "passed": False}


def _registry(versions: int = 3, records: dict[int, dict] | None = None) -> MemoryModelRegistry:
    registry = MemoryModelRegistry()
    for number in range(1, versions + 1):
        registry.add_version("kinds", f"/v{number}", (records or {}).get(number, {}))
    return registry


def _mover(
    registry: MemoryModelRegistry, pauses: list[float] | None = None, attempts: int = 100
) -> AliasMover:
    ticks = iter(range(1000))
    return AliasMover(
        registry,
        user="ada",
        clock=lambda: f"2026-05-01T10:{next(ticks):02d}:00Z",
        pause=(pauses if pauses is not None else []).append,
        max_attempts=attempts,
    )


def _moves(registry: MemoryModelRegistry, alias: str) -> list[tuple[int | None, int, str]]:
    return [(m.from_version, m.to_version, m.action) for m in registry.history("kinds", alias)]


def _competitor(registry: MemoryModelRegistry, version: int, times: int = 1):
    """A concurrent mover that takes the slot we are about to write, `times` times."""
    left = [times]

    def steal(name: str, move: AliasMove) -> None:
        if left[0] > 0 and move.seq not in registry.histories.get((name, move.alias), {}):
            left[0] -= 1
            registry.histories.setdefault((name, move.alias), {})[move.seq] = AliasMove(
                seq=move.seq, alias=move.alias, from_version=move.from_version, to_version=version,
                action="alias", reason="the other mover", user="bob", time=move.time,
            )  # fmt: skip

    return steal


def test_set_creates_then_moves_an_alias_with_who_when_and_why() -> None:
    registry = _registry()
    set_alias = SetAlias(registry=registry, mover=_mover(registry))
    first = set_alias.execute(AliasRequest(name="kinds", alias="staging", version=1))
    second = set_alias.execute(AliasRequest(name="kinds", alias="staging", version=3, reason="retrained"))
    assert (first.move.seq, second.move.seq) == (1, 2) and second.attempts == 1
    assert _moves(registry, "staging") == [(None, 1, "alias"), (1, 3, "alias")]
    entry = registry.history("kinds", "staging")[1]
    assert (entry.user, entry.reason, entry.time) == ("ada", "retrained", "2026-05-01T10:01:00Z")
    with pytest.raises(ArtifactNotFoundError, match=r"no version 9 \(versions: \[1, 2, 3\]\)"):
        set_alias.execute(AliasRequest(name="kinds", alias="staging", version=9))


def test_a_concurrent_mover_wins_the_slot_and_the_loser_moves_next_from_its_version() -> None:
    registry = _registry()
    registry.point("kinds", "production", 1)
    registry.before_append = _competitor(registry, version=2)
    result = SetAlias(registry=registry, mover=_mover(registry)).execute(
        AliasRequest(name="kinds", alias="production", version=3)
    )
    assert result.attempts == 2 and result.move.seq == 3
    assert _moves(registry, "production") == [(None, 1, "alias"), (1, 2, "alias"), (2, 3, "alias")]


def test_the_mover_waits_for_a_listing_that_lags_behind_the_slot_it_lost() -> None:
    registry = _registry()
    steal = _competitor(registry, version=2)

    def steal_then_lag(name: str, move: AliasMove) -> None:
        steal(name, move)
        registry.lagging_reads = 2

    registry.before_append = steal_then_lag
    pauses: list[float] = []
    result = SetAlias(registry=registry, mover=_mover(registry, pauses)).execute(
        AliasRequest(name="kinds", alias="production", version=1)
    )
    assert len(pauses) == 2 and result.move.seq == 2 and result.move.from_version == 2


def test_the_mover_gives_up_after_its_attempts() -> None:
    registry = _registry()
    registry.before_append = _competitor(registry, version=2, times=1000)
    with pytest.raises(StorageError, match="gave up after 5 attempts"):
        SetAlias(registry=registry, mover=_mover(registry, attempts=5)).execute(
            AliasRequest(name="kinds", alias="production", version=1)
        )
    assert len(registry.history("kinds", "production")) == 5


def test_promote_gives_the_target_the_source_version_read_again_on_retry() -> None:
    registry = _registry()
    registry.point("kinds", "staging", 2)
    promote = PromoteModel(registry=registry, mover=_mover(registry))
    assert promote.execute(PromoteRequest(name="kinds", reason="QA passed")).move.to_version == 2

    def staging_moves_meanwhile(name: str, move: AliasMove) -> None:
        if move.alias == "production" and registry.history(name, "staging")[-1].to_version == 2:
            registry.point("kinds", "staging", 3)
            _competitor(registry, version=2)(name, move)

    registry.before_append = staging_moves_meanwhile
    result = promote.execute(PromoteRequest(name="kinds"))
    assert result.move.to_version == 3 and result.attempts == 2
    assert _moves(registry, "production") == [(None, 2, "promote"), (2, 2, "alias"), (2, 3, "promote")]


def test_promote_needs_an_existing_source_other_than_the_target() -> None:
    registry = _registry()
    promote = PromoteModel(registry=registry, mover=_mover(registry))
    with pytest.raises(
        ArtifactNotFoundError, match=r"alias 'staging' of 'kinds' does not exist \(aliases: none yet\)"
    ):
        promote.execute(PromoteRequest(name="kinds"))
    with pytest.raises(InputError, match="to itself"):
        promote.execute(PromoteRequest(name="kinds", source="staging", target="staging"))


def test_require_validation_refuses_a_version_without_a_passed_report() -> None:
    registry = _registry(records={2: {"validation": PASSED}, 3: {"validation": FAILED}})
    promote = PromoteModel(registry=registry, mover=_mover(registry))
    strict = PromoteRequest(name="kinds", require_validation=True)
    registry.point("kinds", "staging", 1)
    with pytest.raises(
        InputError,
        match="version 1 of 'kinds' has no validation report: run `codemill validate registry:kinds/1`",
    ):
        promote.execute(strict)
    registry.point("kinds", "staging", 3)
    with pytest.raises(InputError, match=r"version 3 of 'kinds' failed validation \(report validations/r1\)"):
        promote.execute(strict)
    assert registry.history("kinds", "production") == []
    registry.point("kinds", "staging", 2)
    assert promote.execute(strict).move.to_version == 2  # the verdict recorded at registration
    registry.verdicts[("kinds", 2)] = ValidationVerdict(
        passed=False, report="registry/kinds/validations/2", created_at="later"
    )
    with pytest.raises(InputError, match="failed validation"):  # its own, later report wins
        promote.execute(strict)
    registry.verdicts[("kinds", 1)] = ValidationVerdict(passed=True, report="r", created_at="t")
    registry.point("kinds", "staging", 1)
    assert promote.execute(strict).move.to_version == 1


def test_rollback_walks_back_one_version_at_a_time_and_then_refuses() -> None:
    registry = _registry()
    set_alias = SetAlias(registry=registry, mover=_mover(registry))
    for version in (1, 2, 3):
        set_alias.execute(AliasRequest(name="kinds", alias="production", version=version))
    rollback = RollbackAlias(registry=registry, mover=_mover(registry))
    assert (
        rollback.execute(RollbackRequest(name="kinds", alias="production", reason="bad")).move.to_version == 2
    )
    assert rollback.execute(RollbackRequest(name="kinds", alias="production")).move.to_version == 1
    with pytest.raises(InputError, match="'production' of 'kinds' has no previous version to roll back to"):
        rollback.execute(RollbackRequest(name="kinds", alias="production"))
    assert _moves(registry, "production")[-2:] == [(3, 2, "rollback"), (2, 1, "rollback")]
    with pytest.raises(
        ArtifactNotFoundError, match=r"alias 'canary' of 'kinds' does not exist \(aliases: production\)"
    ):
        rollback.execute(RollbackRequest(name="kinds", alias="canary"))
