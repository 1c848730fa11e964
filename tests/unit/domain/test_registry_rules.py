"""Registry rules: alias names, references, key layout, and replaying an alias's history."""

from __future__ import annotations

import pytest

from codemill.domain.alias_history import AliasMove, current_version, rollback_target, version_stack
from codemill.domain.errors import InputError, IntegrityError
from codemill.domain.registry import RegistryReference, check_alias, parse_reference
from codemill.domain.registry_layout import claim_key, history_key, sequence_of, version_prefix


def _move(seq: int, to: int, action: str = "alias") -> AliasMove:
    return AliasMove(
        seq=seq, alias="prod", from_version=None, to_version=to, action=action,  # type: ignore[arg-type]
        reason="", user="u", time="t",
    )  # fmt: skip


@pytest.mark.parametrize("alias", ["production", "a", "stage-2", "x" * 40])
def test_lower_case_aliases_are_valid(alias: str) -> None:
    assert check_alias(alias) == alias


@pytest.mark.parametrize("alias", ["Prod", "2nd", "-a", "a_b", "x" * 41, "", "a/b"])
def test_other_aliases_are_one_line_errors(alias: str) -> None:
    with pytest.raises(InputError, match="lower-case"):
        check_alias(alias)


def test_references_parse_to_an_alias_or_a_version() -> None:
    assert parse_reference("registry:kinds@production") == RegistryReference(name="kinds", alias="production")
    assert parse_reference("registry:kinds/12") == RegistryReference(name="kinds", version=12)
    assert str(RegistryReference(name="kinds", version=3)) == "registry:kinds/3"


@pytest.mark.parametrize(
    "bad", ["registry:kinds", "registry:kinds/0", "registry:kinds/x", "registry:@a", "registry:k@A"]
)
def test_malformed_references_name_both_forms(bad: str) -> None:
    with pytest.raises(InputError, match="registry:NAME@ALIAS or registry:NAME/VERSION"):
        parse_reference(bad)


def test_keys_are_padded_where_order_matters() -> None:
    assert claim_key("kinds", 3) == "registry/kinds/claims/00000003.json"
    assert history_key("kinds", "prod", 12) == "registry/kinds/aliases/prod/history/00000012.json"
    assert version_prefix("kinds", 3) == "registry/kinds/versions/3/"
    assert sequence_of("registry/kinds/claims/00000003.json") == 3
    assert sequence_of("registry/kinds/claims/3.json") is None


def test_rollbacks_walk_back_through_the_versions_moved_to() -> None:
    history = [_move(1, 1), _move(2, 2), _move(3, 3)]
    assert current_version(history) == 3 and rollback_target(history) == 2
    history.append(_move(4, 2, "rollback"))
    assert version_stack(history) == [1, 2] and rollback_target(history) == 1
    history.append(_move(5, 1, "rollback"))
    assert rollback_target(history) is None and current_version(history) == 1


def test_a_move_to_the_current_version_changes_nothing_to_roll_back_to() -> None:
    history = [_move(1, 1), _move(2, 2), _move(3, 2)]
    assert version_stack(history) == [1, 2] and rollback_target(history) == 1
    assert current_version([]) is None and rollback_target([]) is None


def test_entries_round_trip_and_damaged_ones_are_integrity_errors() -> None:
    move = _move(7, 3, "promote")
    assert AliasMove.from_dict(move.to_dict(), where="k") == move
    with pytest.raises(IntegrityError, match="k is not an alias history entry"):
        AliasMove.from_dict({**move.to_dict(), "action": "teleport"}, where="k")
    with pytest.raises(IntegrityError):
        AliasMove.from_dict({"seq": 1}, where="k")
