"""The files of a model folder: config, weights, tokenizer, manifest checksums, safetensors headers."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Any

from codemill.domain.manifest import MANIFEST_NAME, Manifest
from codemill.domain.ports.model_inspector import FolderFindings
from codemill.infrastructure.runs.model_files import PICKLE_SUFFIXES, WEIGHTS_SUFFIX

CONFIG = "config.json"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.json", "spiece.model", "vocab.txt")
_HEADER_BYTES = 8
_MAX_HEADER = 100 << 20


def folder_findings(folder: str, *, allow_pickle: bool) -> FolderFindings:
    """Every problem of the folder (never raises for a bad one); see ModelInspector.check_files."""
    root = Path(folder)
    if not root.is_dir():
        return FolderFindings(problems=(f"{folder} is not a folder",))
    files = {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
    problems: list[str] = []
    notes: list[str] = []
    if CONFIG not in files:
        problems.append(f"no {CONFIG}")
    elif not _is_json_object(files[CONFIG]):
        problems.append(f"{CONFIG} is not a JSON object")
    if not any(Path(path).name in TOKENIZER_FILES for path in files):
        problems.append("no tokenizer (tokenizer.json or tokenizer_config.json)")
    safetensors = [path for path in files if path.endswith(WEIGHTS_SUFFIX)]
    pickles = [path for path in files if Path(path).suffix.lower() in PICKLE_SUFFIXES]
    problems += [
        f"{path}: {problem}" for path in safetensors if (problem := safetensors_problem(files[path]))
    ]
    if pickles and not allow_pickle:
        problems.append(
            f"pickle-based weights ({', '.join(pickles)}) are refused: save the model as safetensors, "
            "or pass --allow-pickle to load them with weights_only=True"
        )
    elif pickles:
        notes.append(f"pickle-based weights ({', '.join(pickles)}) allowed, loaded with weights_only=True")
    if not safetensors and not pickles:
        problems.append(f"no weights (*{WEIGHTS_SUFFIX})")
    manifest_state = "none"
    if MANIFEST_NAME in files:
        manifest_problems = manifest_mismatches(root, files[MANIFEST_NAME])
        problems += manifest_problems
        manifest_state = "mismatch" if manifest_problems else "verified"
    figures: dict[str, Any] = {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files.values()),
        "weights": safetensors or pickles,
        "format": "safetensors" if safetensors else ("pickle" if pickles else "none"),
        "manifest": manifest_state,
    }
    return FolderFindings(problems=tuple(problems), notes=tuple(notes), figures=figures)


def safetensors_problem(path: Path) -> str:
    """'' for a whole safetensors file; else why not (truncated, bad header)."""
    size = path.stat().st_size
    try:
        with path.open("rb") as handle:
            (header_size,) = struct.unpack("<Q", handle.read(_HEADER_BYTES))
            if header_size > min(_MAX_HEADER, size - _HEADER_BYTES):
                return f"truncated or not safetensors ({size} bytes, header claims {header_size})"
            header = json.loads(handle.read(header_size))
    except (struct.error, ValueError, UnicodeDecodeError):
        return f"not a readable safetensors file ({size} bytes)"
    ends = [
        int(t["data_offsets"][1]) for k, t in header.items() if k != "__metadata__" and isinstance(t, dict)
    ]
    expected = _HEADER_BYTES + header_size + max(ends, default=0)
    if size < expected:
        return f"truncated: {size} of {expected} bytes"
    return ""


def manifest_mismatches(root: Path, manifest_path: Path) -> list[str]:
    """Files the folder's manifest.json lists that are missing or differ (size or sha256)."""
    try:
        manifest = Manifest.from_json(manifest_path.read_bytes(), where=str(manifest_path))
    except Exception as exc:  # an unreadable manifest is a finding, not a crash
        return [f"{MANIFEST_NAME}: {exc}"]
    problems = []
    for entry in manifest.entries:
        path = root.joinpath(*entry.path.split("/"))
        if not path.is_file():
            problems.append(f"{entry.path}: listed in {MANIFEST_NAME} but missing")
        elif path.stat().st_size != entry.size or _sha256(path) != entry.sha256:
            problems.append(f"{entry.path}: differs from its {MANIFEST_NAME} checksum (changed or truncated)")
    return problems


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _is_json_object(path: Path) -> bool:
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False
