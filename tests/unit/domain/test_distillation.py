import dataclasses

import pytest

from codemill.domain.distillation import LOSS_PRESETS, DistillationConfig, interpolate, parse_weights
from codemill.domain.errors import InputError


def test_the_default_mixes_hard_labels_and_kl_evenly_throughout() -> None:
    config = DistillationConfig()
    assert config.weights_at(0.0) == config.weights_at(1.0) == {"ce": 0.5, "kl": 0.5}
    assert not config.needs_online_teacher


@pytest.mark.parametrize(
    ("schedule", "start", "middle", "end"),
    [
        ("hard-to-soft", {"ce": 1.0, "kl": 0.0}, {"ce": 0.6, "kl": 0.4}, {"ce": 0.2, "kl": 0.8}),
        ("soft-to-hard", {"ce": 0.2, "kl": 0.8}, {"ce": 0.6, "kl": 0.4}, {"ce": 1.0, "kl": 0.0}),
    ],
)
def test_presets_move_linearly_between_hard_labels_and_the_weights(schedule, start, middle, end) -> None:
    config = DistillationConfig(weights={"ce": 0.2, "kl": 0.8}, schedule=schedule)
    for progress, expected in ((0.0, start), (0.5, middle), (1.0, end)):
        assert config.weights_at(progress) == pytest.approx(expected)


def test_linear_goes_from_weights_to_end_weights_and_clamps() -> None:
    config = DistillationConfig(weights={"kl": 1.0}, end_weights={"ce": 1.0, "jsd": 0.5}, schedule="linear")
    assert config.weights_at(0.25) == pytest.approx({"ce": 0.25, "jsd": 0.125, "kl": 0.75})
    assert config.weights_at(7.0) == config.weights_at(1.0) == {"ce": 1.0, "jsd": 0.5, "kl": 0.0}
    assert config.weights_at(-1.0) == {"ce": 0.0, "jsd": 0.0, "kl": 1.0}
    assert config.uses("kl") and config.uses("jsd") and not config.uses("focal")


def test_interpolate_treats_a_missing_key_as_zero() -> None:
    assert interpolate({"a": 2.0}, {"b": 2.0}, 0.5) == {"a": 1.0, "b": 1.0}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"weights": {"kld": 1.0}}, "unknown loss 'kld'"),
        ({"weights": {"kl": -1.0}}, "must be >= 0"),
        ({"weights": {"kl": 0.0, "ce": 0.0}}, "at least one loss"),
        ({"temperature": 0.0}, "temperature must be > 0"),
        ({"top_k": 0}, "top_k must be >= 1"),
        ({"schedule": "cosine"}, "schedule 'cosine' is not one of"),
        ({"schedule": "linear"}, "end weights go with the 'linear' schedule"),
        ({"end_weights": {"ce": 1.0}}, "end weights go with the 'linear' schedule"),
        ({"hidden": "l1"}, "hidden must be mse or cosine"),
        ({"semantic_scale": 0.0}, "semantic scale must be > 0"),
        ({"contrastive_temperature": -1.0}, "contrastive temperature must be > 0"),
        ({"preset": "bident"}, "loss preset 'bident' is not one of trident, trident"),
        ({"preset": "trident", "weights": {"ce": 1.0}}, "sets the weights and the schedule"),
        ({"preset": "trident", "schedule": "hard-to-soft"}, "sets the weights and the schedule"),
    ],
)
def test_bad_settings_are_one_line_input_errors(options, message) -> None:
    with pytest.raises(InputError, match=message):
        DistillationConfig(**options)


def test_hidden_matching_or_no_cache_needs_the_online_teacher() -> None:
    assert DistillationConfig(weights={"kl": 1.0, "hidden": 0.5}).needs_online_teacher
    assert DistillationConfig(weights={"kl": 1.0, "semantic": 0.5}).needs_online_teacher
    assert DistillationConfig(
        weights={"kl": 1.0}, end_weights={"contrastive": 1.0}, schedule="linear"
    ).needs_online_teacher
    assert DistillationConfig(use_cache=False).needs_online_teacher


def test_parse_weights() -> None:
    assert parse_weights(["kl=0.5", " ce = 0.25"]) == {"kl": 0.5, "ce": 0.25}
    with pytest.raises(InputError, match="NAME=WEIGHT"):
        parse_weights(["kl"])
    with pytest.raises(InputError, match="'kl=x'"):
        parse_weights(["kl=x"])


def test_trident_moves_semantic_from_a_tenth_to_035_with_focal_and_jsd_making_up_one() -> None:
    config = DistillationConfig(preset="trident")
    assert config.schedule == "linear" and config.needs_online_teacher
    assert config.weights_at(0.0) == pytest.approx({"focal": 0.5, "jsd": 0.4, "semantic": 0.1})
    end = config.weights_at(1.0)
    assert end["semantic"] == pytest.approx(0.35) and end["focal"] / end["jsd"] == pytest.approx(5 / 4)
    assert config.weights_at(0.5)["semantic"] == pytest.approx(0.225)
    assert DistillationConfig(**dataclasses.asdict(config)) == config  # a stored config reads back


def test_trident_with_contrastive_moves_it_from_a_tenth_to_a_fifth() -> None:
    config = DistillationConfig(
        preset="trident+contrastive", semantic_scale=3.0, contrastive_temperature=0.05
    )
    assert config.weights_at(0.0) == pytest.approx(
        {"focal": 4 / 9, "jsd": 3.2 / 9, "semantic": 0.1, "contrastive": 0.1}
    )
    assert config.weights_at(1.0) == pytest.approx(
        {"focal": 0.25, "jsd": 0.2, "semantic": 0.35, "contrastive": 0.2}
    )
    for start, end in LOSS_PRESETS.values():
        assert sum(start.values()) == pytest.approx(1.0) and sum(end.values()) == pytest.approx(1.0)
