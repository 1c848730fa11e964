"""A pipeline run: its steps in order, its id, and the record each finished step leaves."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from codemill.domain.errors import InputError

STEPS = ("collect", "dataset", "train", "distill", "validate")
RUN_ID_PATTERN = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")


def new_run_id(now: datetime, config_hash: str) -> str:
    """`20261122T051500Z-1a2b3c4d`: the UTC start time and the first 8 hex digits of the config hash."""
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{config_hash[:8]}"


def check_run_id(run_id: str) -> str:
    if not RUN_ID_PATTERN.match(run_id):
        raise InputError(
            f"{run_id!r} is not a pipeline run id (expected UTC time and config hash, "
            "like 20261122T051500Z-1a2b3c4d); list runs with: codemill runs ls"
        )
    return run_id


def select_steps(
    steps: Sequence[str] | None = None,
    from_step: str | None = None,
    enabled: Sequence[str] = STEPS,
) -> tuple[str, ...]:
    """The steps to run, in pipeline order: `steps` (a subset), or from `from_step` on, among `enabled`."""
    if steps is not None and from_step is not None:
        raise InputError("give either --steps or --from-step, not both")
    for name in [*(steps or ()), *([from_step] if from_step else [])]:
        if name not in STEPS:
            raise InputError(f"unknown step {name!r}; the steps are {', '.join(STEPS)}")
    if steps is not None:
        if not steps:
            raise InputError("--steps names no step")
        return tuple(step for step in STEPS if step in steps and step in enabled)
    start = STEPS.index(from_step) if from_step else 0
    return tuple(step for step in STEPS[start:] if step in enabled)


@dataclass(frozen=True, kw_only=True)
class StepRecord:
    """What a finished step leaves: its inputs' hash and its output's manifest hash, so reruns can skip it."""

    step: str
    input_hash: str
    output: str  # the prefix of its published output, inside the run
    output_manifest_sha256: str
    seconds: float
    finished_at: str
    summary: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "input_hash": self.input_hash,
            "output": self.output,
            "output_manifest_sha256": self.output_manifest_sha256,
            "seconds": self.seconds,
            "finished_at": self.finished_at,
            "summary": dict(self.summary),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StepRecord:
        try:
            return cls(
                step=str(data["step"]),
                input_hash=str(data["input_hash"]),
                output=str(data["output"]),
                output_manifest_sha256=str(data["output_manifest_sha256"]),
                seconds=float(data["seconds"]),
                finished_at=str(data["finished_at"]),
                summary=dict(data.get("summary") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"a step record is malformed ({exc})") from None
