"""ONNX model folders as `codemill export` publishes them: recognised by their export.json and graphs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXPORT_RECORD = "export.json"


def is_onnx_folder(folder: str) -> bool:
    root = Path(folder)
    return (root / EXPORT_RECORD).is_file() and any(root.glob("*.onnx"))


def export_record(folder: str) -> dict[str, Any]:
    record = json.loads((Path(folder) / EXPORT_RECORD).read_text(encoding="utf-8"))
    return record if isinstance(record, dict) else {}
