import pytest

from codemill.domain.distillation import DistillationConfig, interpolate, parse_weights
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
    ],
)
def test_bad_settings_are_one_line_input_errors(options, message) -> None:
    with pytest.raises(InputError, match=message):
        DistillationConfig(**options)


def test_hidden_matching_or_no_cache_needs_the_online_teacher() -> None:
    assert DistillationConfig(weights={"kl": 1.0, "hidden": 0.5}).needs_online_teacher
    assert DistillationConfig(use_cache=False).needs_online_teacher


def test_parse_weights() -> None:
    assert parse_weights(["kl=0.5", " ce = 0.25"]) == {"kl": 0.5, "ce": 0.25}
    with pytest.raises(InputError, match="NAME=WEIGHT"):
        parse_weights(["kl"])
    with pytest.raises(InputError, match="'kl=x'"):
        parse_weights(["kl=x"])
