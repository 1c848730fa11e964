"""Where monitoring keeps things in storage, under `monitoring/NAME/`.

- `predictions/{YYYYMMDDTHHMMSS}-{uuid}.parquet`: one file per flush of a
  server's prediction log, named by the time of its newest record (UTC,
  floored to the second), so that keys sort by time;
- `drift/{YYYYMMDDTHHMMSS}/`: one drift report (JSON, Markdown, figures,
  manifest last).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from codemill.domain.keys import join_key
from codemill.domain.names import NAME_PATTERN, check_name

MONITORING, PREDICTIONS, DRIFT = "monitoring", "predictions", "drift"
STAMP = "%Y%m%dT%H%M%S"
_FILE = re.compile(r"(\d{8}T\d{6})-[0-9a-f]{32}\.parquet")
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def log_name(model: str) -> str:
    """The monitoring name of a served model: its registry or stored name; a folder's name made safe."""
    if NAME_PATTERN.fullmatch(model):
        return model
    safe = _NOT_NAME.sub("-", model).strip("-._")[:100]
    return safe or "model"


def stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime(STAMP)


def predictions_prefix(name: str) -> str:
    return f"{join_key(MONITORING, check_name(name, what='monitored model'), PREDICTIONS)}/"


def prediction_file_key(name: str, newest: float, unique: str) -> str:
    """The key of a log file whose newest record is at `newest`; `unique`: 32 hex digits (a uuid4)."""
    return f"{predictions_prefix(name)}{stamp(newest)}-{unique}.parquet"


def newest_time_of(key: str) -> float | None:
    """The time in a log file's name (its newest record, floored to the second); None for other keys."""
    found = _FILE.fullmatch(key.rpartition("/")[2])
    if found is None:
        return None
    return datetime.strptime(found.group(1), STAMP).replace(tzinfo=UTC).timestamp()


def drift_report_prefix(name: str, created: float) -> str:
    return f"{join_key(MONITORING, check_name(name, what='monitored model'), DRIFT, stamp(created))}/"
