from __future__ import annotations

import csv
import io
import json
import math
import struct
from pathlib import Path

import pytest
from tensorboardX.proto import event_pb2

from codemill.infrastructure.tracking import FileMetricsTracker

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def logged(tensorboard_dir: str | None) -> FileMetricsTracker:
    tracker = FileMetricsTracker(tensorboard_dir)
    tracker.log(10, {"loss": 2.0, "learning_rate": 1e-3, "grad_norm": 0.5, "epoch": 0.5}, phase="train")
    tracker.log(10, {"eval_loss": 1.5, "eval_accuracy": 0.6, "eval_runtime": 2.0, "step": 999}, phase="eval")
    tracker.log(20, {"loss": 1.0, "learning_rate": 5e-4, "samples_per_second": 80.0}, phase="train")
    tracker.log(20, {"eval_loss": 1.2, "eval_accuracy": 0.6, "eval_samples_per_second": 40.0}, phase="eval")
    tracker.log(30, {"eval_loss": 1.3, "eval_accuracy": 0.7}, phase="eval")
    return tracker


def test_history_json_and_csv_hold_every_entry() -> None:
    files = logged(None).files()

    history = json.loads(files["metrics/history.json"])
    assert [(e["step"], e["phase"]) for e in history] == [
        (10, "train"),
        (10, "eval"),
        (20, "train"),
        (20, "eval"),
        (30, "eval"),
    ]
    assert history[1] == {"step": 10, "phase": "eval", "loss": 1.5, "accuracy": 0.6, "runtime": 2.0}

    rows = list(csv.DictReader(io.StringIO(files["metrics/history.csv"].decode())))
    assert list(rows[0]) == [
        "step",
        "phase",
        "loss",
        "learning_rate",
        "grad_norm",
        "epoch",
        "accuracy",
        "runtime",
        "samples_per_second",
    ]
    assert len(rows) == 5
    assert rows[1]["learning_rate"] == "" and rows[1]["accuracy"] == "0.6"
    assert float(rows[2]["samples_per_second"]) == 80.0


def test_best_follows_the_mode_of_each_metric() -> None:
    tracker = logged(None)

    assert tracker.best("loss") == (20, 1.2)
    assert tracker.best("eval_loss", "min") == (20, 1.2)
    assert tracker.best("accuracy") == (30, 0.7)
    assert tracker.best("accuracy", "min") == (10, 0.6)  # ties: the earliest step
    assert tracker.best("bleu4") is None
    best = json.loads(tracker.files()["metrics/best.json"])
    assert best == {
        "accuracy": {"step": 30, "value": 0.7, "mode": "max"},
        "loss": {"step": 20, "value": 1.2, "mode": "min"},
    }


def test_non_finite_values_are_kept_as_null_and_never_best() -> None:
    tracker = FileMetricsTracker(None)
    tracker.log(1, {"eval_loss": 0.9}, phase="eval")
    tracker.log(2, {"eval_loss": math.nan, "eval_val_loss": math.inf}, phase="eval")

    assert json.loads(tracker.files()["metrics/history.json"])[1] == {
        "step": 2,
        "phase": "eval",
        "loss": None,
        "val_loss": None,
    }
    assert tracker.best("loss") == (1, 0.9)
    assert "val_loss" not in json.loads(tracker.files()["metrics/best.json"])
    with pytest.raises(ValueError, match="phase"):
        tracker.log(3, {"loss": 1.0}, phase="test")


def test_plots_are_pngs_and_skipped_without_data() -> None:
    files = logged(None).files()
    for name in ("loss", "learning_rate", "throughput"):
        assert files[f"metrics/{name}.png"].startswith(PNG_MAGIC)

    sparse = FileMetricsTracker(None)
    sparse.log(1, {"eval_accuracy": 0.5}, phase="eval")
    assert not any(path.endswith(".png") for path in sparse.files())


def read_events(data: bytes) -> list[event_pb2.Event]:
    """Parse TFRecord framing: u64 length, u32 crc, payload, u32 crc."""
    events, offset = [], 0
    while offset < len(data):
        (length,) = struct.unpack_from("<Q", data, offset)
        offset += 12
        events.append(event_pb2.Event.FromString(data[offset : offset + length]))
        offset += length + 4
    return events


def test_tensorboard_events_are_written_and_returned(tmp_path: Path) -> None:
    tracker = logged(str(tmp_path / "tb"))
    files = tracker.files()

    events = [path for path in files if path.startswith("tensorboard/")]
    assert len(events) == 1
    assert events[0].startswith("tensorboard/events.out.tfevents.")
    assert (tmp_path / "tb" / events[0].removeprefix("tensorboard/")).read_bytes() == files[events[0]]
    scalars = {
        (e.step, v.tag): v.simple_value for e in read_events(files[events[0]]) for v in e.summary.value
    }
    assert scalars[(10, "train/loss")] == 2.0
    assert scalars[(20, "eval/loss")] == pytest.approx(1.2)
    assert (30, "eval/accuracy") in scalars

    tracker.log(40, {"loss": 0.5}, phase="train")  # after files(): a new event file
    assert len([p for p in tracker.files() if p.startswith("tensorboard/")]) == 2
    tracker.close()
