"""CollectSummary.to_dict() is, key for key and type for type, the `stats.json` CollectStats.as_dict wrote."""

from __future__ import annotations

import json

from codemill.application.collection.file_processor import FileResult
from codemill.application.collection.stats import CollectStats
from codemill.application.collection.summary import CollectSummary, SourceRecord
from codemill.domain.code import Language

# What CollectStats.as_dict(seconds=2.5, workers=4) returned for `_filled()` before the summary was typed.
EXPECTED = {
    "sources": [{"source": "github:a/b", "commit": "abc123"}, {"source": "./src", "commit": ""}],
    "files": {"seen": 6, "parsed": 3, "skipped": 3, "bytes": 3000010},
    "skipped": {"binary": 1, "too_large": 2},
    "languages": {
        "go": {
            "files": 1,
            "parse_success_rate": 1.0,
            "mean_parse_ms": 1.0,
            "units": 0,
            "bytes": 1000000,
            "errors": {},
        },
        "python": {
            "files": 2,
            "parse_success_rate": 0.5,
            "mean_parse_ms": 7.875,
            "units": 0,
            "bytes": 2000000,
            "errors": {"syntax_errors": 1},
        },
    },
    "units": {"extracted": 7, "kept": 3, "rejected": 4},
    "filters": {"max_line_length": 1, "too_short": 2},
    "dedup": {"exact_duplicates": 0, "near_duplicates": 1, "duplicate_ratio": 0.1429},
    "redactions": {"<API_KEY>": 1, "<EMAIL>": 2},
    "security": {
        "scanned_languages": ["python"],
        "units_with_findings": 2,
        "findings_by_test": {"B105": 1, "B307": 2},
    },
    "timing": {"seconds": 2.5, "mb_per_s": 1.2, "workers": 4},
}

# ... and for an empty CollectStats with seconds=0.0, workers=1.
EXPECTED_EMPTY = {
    "sources": [],
    "files": {"seen": 0, "parsed": 0, "skipped": 0, "bytes": 0},
    "skipped": {},
    "languages": {},
    "units": {"extracted": 0, "kept": 0, "rejected": 0},
    "filters": {},
    "dedup": {"exact_duplicates": 0, "near_duplicates": 0, "duplicate_ratio": 0.0},
    "redactions": {},
    "security": {"scanned_languages": [], "units_with_findings": 0, "findings_by_test": {}},
    "timing": {"seconds": 0.0, "mb_per_s": 0.0, "workers": 1},
}


def _filled() -> CollectStats:
    stats = CollectStats(
        sources=[SourceRecord(source="github:a/b", commit="abc123"), SourceRecord(source="./src", commit="")]
    )
    python = {"source": "s", "language": Language.PYTHON, "security_scanned": True}
    stats.add_file(FileResult(path="a.py", size=1_500_000, parse_ms=12.5, **python))
    stats.add_file(
        FileResult(path="b.py", size=500_000, parse_ms=3.25, parse_error="syntax_errors", **python)
    )
    stats.add_file(FileResult(path="c.go", source="s", size=1_000_000, language=Language.GO, parse_ms=1.0))
    stats.add_file(FileResult(path="d.bin", source="s", size=10, skip_reason="binary"))
    stats.skip("too_large")
    stats.skip("too_large")
    stats.extracted, stats.kept, stats.units_with_findings = 7, 3, 2
    stats.filters.update({"too_short": 2, "max_line_length": 1})
    stats.dedup.update({"near_duplicate": 1})
    stats.redactions.update({"<EMAIL>": 2, "<API_KEY>": 1})
    stats.findings.update({"B307": 2, "B105": 1})
    return stats


def test_to_dict_is_the_old_stats_json() -> None:
    summary = _filled().summary(seconds=2.5, workers=4)
    # json.dumps compares key order and int-vs-float too, which == on dicts would not
    assert json.dumps(summary.to_dict()) == json.dumps(EXPECTED)


def test_an_empty_run_gives_zeros() -> None:
    summary = CollectStats().summary(seconds=0.0, workers=1)
    assert json.dumps(summary.to_dict()) == json.dumps(EXPECTED_EMPTY)


def test_typed_fields_hold_the_counts() -> None:
    summary = _filled().summary(seconds=2.5, workers=4)
    assert (summary.files.parsed, summary.units.rejected, summary.dedup.near_duplicates) == (3, 4, 1)
    assert summary.languages["python"].errors == {"syntax_errors": 1}
    assert summary.security.scanned_languages == ("python",)
    assert summary.sources[0] == SourceRecord(source="github:a/b", commit="abc123")


def test_a_json_round_trip_keeps_it_equal() -> None:
    for summary in (
        _filled().summary(seconds=2.5, workers=4),
        CollectStats().summary(seconds=0.0, workers=1),
    ):
        text = json.dumps(summary.to_dict())
        assert json.loads(text) == summary.to_dict()
        back = CollectSummary.from_dict(json.loads(text))
        assert back == summary
        assert json.dumps(back.to_dict()) == text


def test_stats_json_as_the_corpus_stores_it_reads_back() -> None:
    """The corpus writes stats.json with sorted keys; reading it back gives the same summary."""
    summary = _filled().summary(seconds=2.5, workers=4)
    stored = json.dumps(summary.to_dict(), indent=2, sort_keys=True)
    assert CollectSummary.from_dict(json.loads(stored)) == summary
