"""The files of an ONNX model folder (as `codemill export` publishes it) checked for validation."""

from __future__ import annotations

from pathlib import Path

from codemill.domain.errors import first_line
from codemill.domain.manifest import MANIFEST_NAME
from codemill.domain.ports.model_inspector import FolderFindings
from codemill.infrastructure.export.onnx_files import EXPORT_RECORD, export_record
from codemill.infrastructure.validation.folder_files import manifest_mismatches


def onnx_findings(folder: str) -> FolderFindings:
    """Problems of an ONNX folder: config, tokenizer, export.json, each graph valid for `onnx.checker`."""
    import onnx

    root = Path(folder)
    problems: list[str] = []
    if not (root / "config.json").is_file():
        problems.append("no config.json")
    if not (root / "tokenizer.json").is_file() and not (root / "tokenizer_config.json").is_file():
        problems.append("no tokenizer (tokenizer.json or tokenizer_config.json)")
    try:
        graphs = [str(name) for name in export_record(folder).get("graphs", [])]
    except (OSError, ValueError):
        problems.append(f"{EXPORT_RECORD} is not readable JSON")
        graphs = []
    for name in graphs:
        try:
            onnx.checker.check_model(str(root / name))
        except Exception as exc:  # onnx raises its own and OS errors for one cause: a bad graph
            problems.append(f"{name}: not a valid ONNX graph ({first_line(exc)})")
    if not graphs:
        problems.append(f"{EXPORT_RECORD} names no graph")
    manifest = "none"
    if (root / MANIFEST_NAME).is_file():
        mismatches = manifest_mismatches(root, root / MANIFEST_NAME)
        problems += mismatches
        manifest = "mismatch" if mismatches else "verified"
    files = [p for p in root.rglob("*") if p.is_file()]
    figures = {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "weights": graphs,
        "format": "onnx",
        "manifest": manifest,
    }
    return FolderFindings(problems=tuple(problems), figures=figures)
