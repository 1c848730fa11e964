"""config_hash leaves out the settings that only say where a run is reported."""

from __future__ import annotations

import dataclasses

from codemill.application.publishing.hashing import config_hash, not_hashed, without_keys
from codemill.domain.training import TrainingConfig


def test_report_to_is_no_part_of_a_training_config_hash() -> None:
    plain = TrainingConfig()
    assert config_hash(TrainingConfig(report_to="mlflow")) == config_hash(plain)
    assert config_hash(TrainingConfig(report_to="tensorboard", epochs=2)) != config_hash(plain)
    assert not_hashed(TrainingConfig) == {"report_to"}


def test_hashes_made_before_report_to_existed_still_match() -> None:
    """The hash of the fields alone (what a config without report_to rendered to) is unchanged."""
    fields = dataclasses.asdict(TrainingConfig(epochs=2)).items()
    before = {k: v for k, v in fields if k not in {"report_to", "lora", "revision"}}  # added later, unset
    assert config_hash("ds", before) == config_hash("ds", TrainingConfig(epochs=2, report_to="mlflow"))


def test_keys_are_dropped_at_every_level_of_plain_settings() -> None:
    section = {"epochs": 2, "report_to": "mlflow", "train": {"report_to": "tensorboard", "lr": 1}}
    assert without_keys(section, frozenset({"report_to"})) == {"epochs": 2, "train": {"lr": 1}}


def test_the_lora_setting_changes_the_config_hash_only_when_set() -> None:
    plain = TrainingConfig()
    fields = dataclasses.asdict(plain).items()
    before_lora = {key: value for key, value in fields if key not in {"lora", "report_to", "revision"}}
    assert config_hash(plain) == config_hash(before_lora)  # runs made before the setting keep their hash
    assert config_hash(TrainingConfig(lora="r=8")) != config_hash(plain)
