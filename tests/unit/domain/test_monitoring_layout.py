"""Where the prediction log lives, how --since is read, and how log files sort by time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from codemill.domain.errors import InputError
from codemill.domain.monitoring_layout import (
    drift_report_prefix,
    log_name,
    newest_time_of,
    prediction_file_key,
)
from codemill.domain.time_window import iso_time, parse_since

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC).timestamp()


def test_log_files_are_named_by_their_newest_record_and_sort_by_time() -> None:
    times = [NOW + 86_400, NOW, NOW + 1.7, NOW + 3_600]
    keys = [prediction_file_key("kinds", t, f"{i:032x}") for i, t in enumerate(times)]
    assert keys[1] == f"monitoring/kinds/predictions/20260601T120000-{1:032x}.parquet"
    assert sorted(keys) == [keys[1], keys[2], keys[3], keys[0]]
    assert [newest_time_of(key) for key in keys] == [NOW + 86_400, NOW, NOW + 1, NOW + 3_600]
    assert newest_time_of("monitoring/kinds/predictions/notes.txt") is None
    assert drift_report_prefix("kinds", NOW) == "monitoring/kinds/drift/20260601T120000/"


def test_a_served_folder_gets_a_safe_monitoring_name() -> None:
    assert log_name("kinds") == "kinds"
    assert log_name("my model (v2)") == "my-model-v2"
    assert log_name("...") == "model"


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("90s", NOW - 90),
        ("30m", NOW - 1_800),
        ("24h", NOW - 86_400),
        ("7d", NOW - 7 * 86_400),
        ("2w", NOW - 14 * 86_400),
        ("1.5h", NOW - 5_400),
        ("2026-05-31", NOW - 1.5 * 86_400),
        ("2026-06-01T11:00:00Z", NOW - 3_600),
        ("2026-06-01T13:00:00+02:00", NOW - 3_600),
        ("2026-06-01T11:59:59.5", NOW - 0.5),
    ],
)
def test_since_takes_a_duration_or_an_iso_time_in_utc(text: str, start: float) -> None:
    assert parse_since(text, now=NOW) == pytest.approx(start)


@pytest.mark.parametrize(
    ("text", "words"), [("yesterday", "cannot read"), ("2030-01-01", "future"), ("5y", "cannot read")]
)
def test_a_since_that_cannot_be_used_is_one_line_naming_both_forms(text: str, words: str) -> None:
    with pytest.raises(InputError, match=words) as caught:
        parse_since(text, now=NOW)
    assert "duration (90m, 24h, 7d, 2w)" in str(caught.value)


def test_iso_time_is_utc_to_the_second() -> None:
    assert iso_time(NOW + 0.9) == "2026-06-01T12:00:00Z"
