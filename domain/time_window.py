"""Where a monitoring window starts: an ISO time, or a duration back from now (90m, 24h, 7d, 2w)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from codemill.domain.errors import InputError

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_SECONDS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}
_FORMS = "an ISO time (2025-06-01, 2025-06-01T12:00:00Z) or a duration (90m, 24h, 7d, 2w)"


def parse_since(text: str, *, now: float) -> float:
    """The window's start in seconds since the epoch; a time without a zone is UTC.

    InputError naming the two forms when `text` is neither, or when it lies
    after `now`.
    """
    value = text.strip()
    duration = _DURATION.fullmatch(value.lower())
    if duration is not None:
        start = now - float(duration.group(1)) * _SECONDS[duration.group(2)]
    else:
        start = _iso(value)
    if start > now:
        raise InputError(f"--since {text!r} lies in the future: give {_FORMS}")
    return start


def _iso(value: str) -> float:
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        raise InputError(f"cannot read --since {value!r}: give {_FORMS}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def iso_time(seconds: float) -> str:
    """Seconds since the epoch as a UTC ISO time to the second ('2025-06-01T12:00:00Z')."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
