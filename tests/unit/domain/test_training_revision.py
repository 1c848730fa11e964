"""TrainingConfig.revision: a hub commit or tag pins a hub model; a preset built here takes none."""

from __future__ import annotations

import pytest

from codemill.domain.errors import InputError
from codemill.domain.training import PRESETS, TrainingConfig


@pytest.mark.parametrize("preset", PRESETS)
def test_a_preset_with_a_revision_is_refused_in_one_line(preset: str) -> None:
    with pytest.raises(InputError) as raised:
        TrainingConfig(model=preset, revision="abc")
    assert str(raised.value) == (
        f"a revision pins a hub model, but {preset!r} is a preset built here: drop the revision"
    )


@pytest.mark.parametrize("model", ["org/name", "microsoft/codebert-base", "t5-small"])
def test_a_hub_name_keeps_its_revision(model: str) -> None:
    assert TrainingConfig(model=model, revision="abc").revision == "abc"


def test_no_revision_is_the_default_for_presets_and_hub_names() -> None:
    assert TrainingConfig().revision is None
    assert TrainingConfig(model="org/name").revision is None
