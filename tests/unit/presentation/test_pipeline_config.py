from __future__ import annotations

import sysconfig
import tomllib
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.presentation.pipeline_config import (
    DEFAULTS,
    distillation_config,
    load_config,
    split_config,
    task_spec,
    to_toml,
    training_config,
)


def test_no_file_gives_the_defaults_with_the_standard_library_as_source() -> None:
    config = load_config(None)
    assert config["collect"]["sources"] == [sysconfig.get_paths()["stdlib"]]
    assert (config["dataset"]["task"], config["dataset"]["label_field"]) == (
        "classification",
        "complexity_rank",
    )
    assert (config["train"]["model"], config["distill"]["student"]) == ("mini", "micro")
    assert DEFAULTS["collect"]["sources"] == []  # the defaults themselves are never changed


def test_toml_and_yaml_files_then_set_overrides(tmp_path: Path) -> None:
    toml = tmp_path / "p.toml"
    toml.write_text('[collect]\nsources = ["./src"]\n[train]\nepochs = 5\n[validate.min]\nbleu4 = 3\n')
    yaml = tmp_path / "p.yaml"
    yaml.write_text("collect:\n  sources: [./src]\ntrain:\n  epochs: 5\n")
    for path in (toml, yaml):
        config = load_config(str(path), ["train.epochs=7", "dataset.task=security", "distill.enabled=false"])
        assert config["collect"]["sources"] == ["./src"]
        assert config["train"]["epochs"] == 7
        assert config["dataset"]["task"] == "security"  # a bare word is a string
        assert config["distill"]["enabled"] is False
    assert load_config(str(toml))["validate"]["min"] == {"bleu4": 3}
    assert load_config(None, ['collect.languages=["python", "go"]'])["collect"]["languages"] == [
        "python",
        "go",
    ]


def test_a_stored_config_is_the_base_of_a_resume() -> None:
    stored = load_config(None, ["train.epochs=9"])
    resumed = load_config(None, ["train.batch_size=4"], base=stored)
    assert resumed["train"] == {**stored["train"], "batch_size": 4}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["trian.epochs=3"], "unknown setting 'trian'"),
        (["collect.sourcez=[]"], "unknown setting 'collect.sourcez'"),
        (["epochs=3"], "expected SECTION.KEY=VALUE"),
        (["train.epochs"], "expected SECTION.KEY=VALUE"),
    ],
)
def test_bad_overrides_are_one_line_errors(overrides: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_config(None, overrides)


def test_bad_files_are_one_line_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[train\nepochs = 3\n")
    with pytest.raises(InputError, match="is not valid toml"):
        load_config(str(broken))
    with pytest.raises(InputError, match="cannot read pipeline config"):
        load_config(str(tmp_path / "missing.toml"))
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n")
    with pytest.raises(InputError, match="must be a table of sections"):
        load_config(str(listed))


def test_sections_become_checked_domain_objects() -> None:
    assert training_config({"epochs": "2", "batch_size": 8}, where="train").batch_size == 8
    with pytest.raises(InputError, match=r"\[train\] has unknown settings \['epoch'\]"):
        training_config({"epoch": 2}, where="train")
    with pytest.raises(InputError, match=r"\[train\] batch_size"):
        training_config({"batch_size": "many"}, where="train")
    with pytest.raises(InputError, match="batch size must be >= 1"):
        training_config({"batch_size": 0}, where="train")
    assert task_spec({"task": "security/binary", "label_field": ""}).subtask == "binary"
    with pytest.raises(InputError, match="is not one of"):
        task_spec({"task": "translation"})
    with pytest.raises(InputError, match="three ratios"):
        split_config({"split": [0.5, 0.5], "seed": 1, "group_by": "file"})


def test_print_config_round_trips_through_toml() -> None:
    config = load_config(None, ["train.max_steps=50"])
    assert tomllib.loads(to_toml(config)) == config


def test_distill_options_take_the_distillation_fields_and_refuse_unknown_ones() -> None:
    options = distillation_config(
        {"preset": "trident+contrastive", "semantic_scale": "3", "contrastive_temperature": 0.05},
        where="distill.options",
    )
    assert options.schedule == "linear" and options.semantic_scale == 3.0
    assert options.weights_at(1.0)["contrastive"] == pytest.approx(0.2)
    with pytest.raises(InputError, match=r"\[distill.options\] has unknown settings \['semantic_scal'\]"):
        distillation_config({"semantic_scal": 1}, where="distill.options")
    with pytest.raises(InputError, match="sets the weights and the schedule"):
        distillation_config({"preset": "trident", "weights": {"kl": 1.0}}, where="distill.options")
