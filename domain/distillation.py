"""Knowledge distillation: which losses, how they are weighted over training, how the teacher is read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from codemill.domain.errors import InputError

HiddenMode = Literal["mse", "cosine"]

LOSSES: Mapping[str, str] = {
    "ce": "cross-entropy on the hard labels",
    "kl": "KL divergence to the teacher's temperature-softened outputs, times T squared",
    "jsd": "Jensen-Shannon divergence to the teacher's temperature-softened outputs, times T squared",
    "focal": "focal loss on the hard labels",
    "hidden": "hidden-state matching (MSE or cosine; a learned projection when widths differ)",
    "semantic": "scale x (1 - cosine) between pooled sequence representations (a learned projection)",
    "contrastive": "in-batch InfoNCE: each student's pooled representation picks its own teacher's",
}
# Components that read the teacher's hidden states: the teacher runs beside the student.
ONLINE_LOSSES = ("hidden", "semantic", "contrastive")
# Where each schedule preset starts and ends; None stands for the configured `weights`.
SCHEDULES: Mapping[str, tuple[Mapping[str, float] | None, Mapping[str, float] | None]] = {
    "constant": (None, None),
    "hard-to-soft": ({"ce": 1.0}, None),
    "soft-to-hard": (None, {"ce": 1.0}),
    "linear": (None, None),  # from `weights` to `end_weights`
}
STUDENT_HALF = "half"  # the teacher's own architecture with every other layer
_FOCAL_SHARE = 5 / 9  # trident: what the scheduled components leave goes 5:4 to focal and jsd


def _with_focal_and_jsd(scheduled: Mapping[str, float]) -> dict[str, float]:
    """The scheduled weights, and focal and jsd sharing 5:4 what is left of 1."""
    rest = 1.0 - sum(scheduled.values())
    return {"focal": round(rest * _FOCAL_SHARE, 12), "jsd": round(rest * (1 - _FOCAL_SHARE), 12), **scheduled}


# Loss presets: (start weights, end weights) of a 'linear' schedule; every end sums to 1.
LOSS_PRESETS: Mapping[str, tuple[Mapping[str, float], Mapping[str, float]]] = {
    "trident": (
        _with_focal_and_jsd({"semantic": 0.1}),
        _with_focal_and_jsd({"semantic": 0.35}),
    ),
    "trident+contrastive": (
        _with_focal_and_jsd({"semantic": 0.1, "contrastive": 0.1}),
        _with_focal_and_jsd({"semantic": 0.35, "contrastive": 0.2}),
    ),
}


def _default_weights() -> dict[str, float]:
    return {"ce": 0.5, "kl": 0.5}


@dataclass(frozen=True, kw_only=True)
class DistillationConfig:
    """How a student learns from its teacher.

    `weights` names each loss component (see LOSSES) and its weight; a
    schedule moves the weights linearly from its start to its end over the
    training steps: 'constant' keeps `weights`, 'hard-to-soft' starts from
    hard labels alone ({'ce': 1}) and ends at `weights`, 'soft-to-hard' the
    reverse, 'linear' goes from `weights` to `end_weights`. `temperature`
    softens both distributions for 'kl' and 'jsd'. `semantic_scale` multiplies
    the semantic distance (1 - cosine); `contrastive_temperature` divides the
    cosine similarities of the contrastive loss. A `preset` (see
    LOSS_PRESETS) sets `weights`, `end_weights` and the 'linear' schedule
    itself: given with other weights or another schedule, it is refused.
    The teacher's top-`top_k` outputs per position are computed once and
    cached (`use_cache`); the components of ONLINE_LOSSES need the teacher
    online. `init_from_teacher` copies every other layer of the teacher into
    a student of the same width.
    """

    weights: dict[str, float] = field(default_factory=_default_weights)
    end_weights: dict[str, float] | None = None
    schedule: str = "constant"
    temperature: float = 2.0
    focal_gamma: float = 2.0
    hidden: HiddenMode = "mse"
    top_k: int = 32
    use_cache: bool = True
    init_from_teacher: bool = False
    semantic_scale: float = 5.0
    contrastive_temperature: float = 0.1
    preset: str | None = None

    def __post_init__(self) -> None:
        problems = self._apply_preset()
        problems += _weight_problems(self.weights, "weights")
        if self.end_weights is not None:
            problems += _weight_problems(self.end_weights, "end weights")
        if self.schedule not in SCHEDULES:
            problems.append(f"schedule {self.schedule!r} is not one of {', '.join(SCHEDULES)}")
        elif (self.schedule == "linear") != (self.end_weights is not None):
            problems.append("end weights go with the 'linear' schedule, and it needs them")
        checks = {
            "temperature must be > 0": self.temperature > 0,
            "focal gamma must be >= 0": self.focal_gamma >= 0,
            "top_k must be >= 1": self.top_k >= 1,
            f"hidden must be mse or cosine, not {self.hidden!r}": self.hidden in ("mse", "cosine"),
            "semantic scale must be > 0": self.semantic_scale > 0,
            "contrastive temperature must be > 0": self.contrastive_temperature > 0,
        }
        problems += [message for message, ok in checks.items() if not ok]
        if not problems and not any(self.start_weights().values()) and not any(self.final_weights().values()):
            problems.append("at least one loss needs a weight above 0")
        if problems:
            raise InputError("invalid distillation config: " + "; ".join(problems))

    def _apply_preset(self) -> list[str]:
        """Set the preset's weights and schedule when none were given; a problem if others were."""
        if self.preset is None:
            return []
        if self.preset not in LOSS_PRESETS:
            return [f"loss preset {self.preset!r} is not one of {', '.join(LOSS_PRESETS)}"]
        start, end = (dict(weights) for weights in LOSS_PRESETS[self.preset])
        given = (self.weights, self.end_weights, self.schedule)
        if given == (_default_weights(), None, "constant"):
            object.__setattr__(self, "weights", start)
            object.__setattr__(self, "end_weights", end)
            object.__setattr__(self, "schedule", "linear")
        elif given != (start, end, "linear"):
            return [
                f"the loss preset {self.preset!r} sets the weights and the schedule: give either the preset "
                "or weights, end weights and a schedule, not both"
            ]
        return []

    def start_weights(self) -> dict[str, float]:
        start = SCHEDULES[self.schedule][0]
        return dict(self.weights if start is None else start)

    def final_weights(self) -> dict[str, float]:
        if self.end_weights is not None:
            return dict(self.end_weights)
        end = SCHEDULES[self.schedule][1]
        return dict(self.weights if end is None else end)

    def weights_at(self, progress: float) -> dict[str, float]:
        """The weight of every component named at either end, `progress` (0..1) of the way through."""
        return interpolate(self.start_weights(), self.final_weights(), progress)

    def uses(self, component: str) -> bool:
        """Whether the component has a weight above 0 at some point of the schedule."""
        return self.start_weights().get(component, 0.0) > 0 or self.final_weights().get(component, 0.0) > 0

    @property
    def needs_online_teacher(self) -> bool:
        """The teacher runs beside the student: no cache asked, or its hidden states are read."""
        return not self.use_cache or any(self.uses(name) for name in ONLINE_LOSSES)


def interpolate(start: Mapping[str, float], end: Mapping[str, float], progress: float) -> dict[str, float]:
    """Linear interpolation per key (a missing key weighs 0); progress is clamped to 0..1."""
    t = min(max(progress, 0.0), 1.0)
    return {
        key: start.get(key, 0.0) + (end.get(key, 0.0) - start.get(key, 0.0)) * t
        for key in sorted(set(start) | set(end))
    }


def parse_weights(items: tuple[str, ...] | list[str]) -> dict[str, float]:
    """['kl=0.5', 'ce=0.5'] -> {'kl': 0.5, 'ce': 0.5}; InputError naming the bad item."""
    weights: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise InputError(f"loss weight {item!r} is not NAME=WEIGHT (names: {', '.join(LOSSES)})")
    return weights


def _weight_problems(weights: Mapping[str, float], what: str) -> list[str]:
    unknown = sorted(set(weights) - set(LOSSES))
    problems = [f"unknown loss {name!r} in {what} (known: {', '.join(LOSSES)})" for name in unknown]
    negative = sorted(name for name, value in weights.items() if not value >= 0)
    problems += [f"{what}: the weight of {name!r} must be >= 0" for name in negative]
    return problems
