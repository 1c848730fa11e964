"""DatasetSummary.to_dict() is, key for key and type for type, the `stats.json` BuildDataset wrote."""

from __future__ import annotations

import json

from codemill.application.datasets.card import render_card
from codemill.application.datasets.summary import (
    DatasetSource,
    DatasetSummary,
    LengthSummary,
    SplitOverlap,
    TokenizerInfo,
    TokenLengths,
)
from codemill.domain.dataset import TaskSpec, TaskType

SHA = "d5c54fb507f46f98ccebb334607294e04e9040f1e7426be5ae7cd0352a9d3cfe"


def _security_from_a_corpus() -> DatasetSummary:
    return DatasetSummary(
        task=TaskSpec(task=TaskType.SECURITY, balance=1.0),
        source=DatasetSource(corpus="c", manifest_sha256=SHA),
        samples=20,
        skipped={"language_not_scanned": 40},
        balance_dropped=8,
        splits={"train": 8, "validation": 2, "test": 2},
        labels={
            "train": {"clean": 4, "vulnerable": 4},
            "validation": {"clean": 2},
            "test": {"clean": 1, "vulnerable": 1},
        },
        decontamination={
            "validation": SplitOverlap(exact=0, near=1),
            "test": SplitOverlap(exact=0, near=None),
        },
        tokenizer=TokenizerInfo(name="bpe-8000", vocab_size=8000),
        tokens=TokenLengths(input=LengthSummary(count=12, mean=10.0, p50=10, p95=10, max=10, truncated=0)),
        seconds=1.234,
    )


def _generation_from_a_file() -> DatasetSummary:
    return DatasetSummary(
        task=TaskSpec(task=TaskType.GENERATION, subtask="name"),
        source=DatasetSource(file="rows.jsonl", manifest_sha256="f" * 64),
        samples=3,
        skipped={},
        balance_dropped=0,
        splits={"train": 1, "validation": 1, "test": 1},
        labels={"train": {}, "validation": {}, "test": {}},
        decontamination={"validation": SplitOverlap(exact=0, near=0), "test": SplitOverlap(exact=0, near=0)},
        tokenizer=TokenizerInfo(name="gpt2", vocab_size=50257),
        tokens=TokenLengths(
            input=LengthSummary(count=3, mean=7.33, p50=7, p95=9, max=9, truncated=1),
            target=LengthSummary(count=0, mean=0.0, p50=0, p95=0, max=0, truncated=0),
        ),
        seconds=0.0,
    )


# The dicts BuildDataset.execute built inline for the same inputs before the summary was typed.
EXPECTED_SECURITY = {
    "task": {"task": "security", "subtask": "binary", "label_field": "", "balance": 1.0},
    "source": {"corpus": "c", "manifest_sha256": SHA},
    "samples": 20,
    "skipped": {"language_not_scanned": 40},
    "balance_dropped": 8,
    "splits": {"train": 8, "validation": 2, "test": 2},
    "labels": {
        "train": {"clean": 4, "vulnerable": 4},
        "validation": {"clean": 2},
        "test": {"clean": 1, "vulnerable": 1},
    },
    "decontamination": {"validation": {"exact": 0, "near": 1}, "test": {"exact": 0, "near": None}},
    "tokenizer": {"name": "bpe-8000", "vocab_size": 8000},
    "tokens": {"input": {"count": 12, "mean": 10.0, "p50": 10, "p95": 10, "max": 10, "truncated": 0}},
    "seconds": 1.234,
}
EXPECTED_GENERATION = {
    "task": {"task": "generation", "subtask": "name", "label_field": "", "balance": None},
    "source": {"file": "rows.jsonl", "manifest_sha256": "f" * 64},
    "samples": 3,
    "skipped": {},
    "balance_dropped": 0,
    "splits": {"train": 1, "validation": 1, "test": 1},
    "labels": {"train": {}, "validation": {}, "test": {}},
    "decontamination": {"validation": {"exact": 0, "near": 0}, "test": {"exact": 0, "near": 0}},
    "tokenizer": {"name": "gpt2", "vocab_size": 50257},
    "tokens": {
        "input": {"count": 3, "mean": 7.33, "p50": 7, "p95": 9, "max": 9, "truncated": 1},
        "target": {"count": 0, "mean": 0.0, "p50": 0, "p95": 0, "max": 0, "truncated": 0},
    },
    "seconds": 0.0,
}


def test_to_dict_is_the_old_stats_json() -> None:
    # json.dumps compares key order and int-vs-float too, which == on dicts would not
    assert json.dumps(_security_from_a_corpus().to_dict()) == json.dumps(EXPECTED_SECURITY)
    assert json.dumps(_generation_from_a_file().to_dict()) == json.dumps(EXPECTED_GENERATION)


def test_the_task_keeps_its_enum_and_names_the_effective_subtask() -> None:
    task = _security_from_a_corpus().to_dict()["task"]
    assert task["task"] is TaskType.SECURITY  # as dataclasses.asdict(TaskSpec) gave it
    assert task["subtask"] == "binary"  # the default subtask, spelled out


def test_a_json_round_trip_keeps_it_equal() -> None:
    for summary, expected in (
        (_security_from_a_corpus(), EXPECTED_SECURITY),
        (_generation_from_a_file(), EXPECTED_GENERATION),
    ):
        text = json.dumps(summary.to_dict())
        assert json.loads(text) == summary.to_dict() == expected
        assert json.dumps(json.loads(text)) == text


def test_tokens_by_field_lists_the_target_only_when_there_is_one() -> None:
    assert list(_security_from_a_corpus().tokens.by_field()) == ["input"]
    assert list(_generation_from_a_file().tokens.by_field()) == ["input", "target"]


def test_the_card_reads_the_typed_summary() -> None:
    card = render_card("sec", _security_from_a_corpus(), ["input_lengths.png"])
    assert "- Task: **security** / binary" in card
    assert f"- Source: corpus `c`, manifest sha256 `{SHA[:16]}`" in card
    assert "- Samples: 20 (skipped: language_not_scanned 40)" in card
    assert "| train | 8 | clean: 4, vulnerable: 4 |" in card
    assert "| input | 10.0 | 10 | 10 | 10 | 0 |" in card
    assert "- test vs train: 0 exact and None near-duplicate overlaps" in card
    assert "![input_lengths.png](plots/input_lengths.png)" in card
    file_card = render_card("gen", _generation_from_a_file(), [])
    assert "- Task: **generation** / name" in file_card
    assert "- Source: file `rows.jsonl`" in file_card
    assert "## Plots" not in file_card
