"""CheckpointManager over `checkpoint-STEP/` folders on the local disk."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from codemill.domain.training import CheckpointInfo
from codemill.infrastructure.training.checkpoint_records import checkpoint_step, read_record, sha256_of

# Pickle-based weights are never accepted. The trainer's own resume state
# (optimizer, scheduler, scaler, RNG) is torch-pickled too, but transformers
# reads it only with torch.load(weights_only=True), which refuses arbitrary objects.
_PICKLE_FILE = re.compile(r"(pytorch_model.*|.*\.(bin|pt|pth|pkl|pickle|ckpt))")
TRAINER_STATE_FILE = re.compile(r"((rank\d+-of-\d+-)?optimizer|scheduler|scaler)\.pt|rng_state(_\d+)?\.pth")


class LocalCheckpointManager:
    """CheckpointManager for a folder of `checkpoint-STEP/` folders, each with `codemill_checkpoint.json`.

    Contract (the port, plus): `verify` also reports pickle-based weights
    (`pytorch_model*`, `*.bin`, `*.pt`, ... other than the trainer's resume
    state) and a checkpoint without safetensors weights; `latest_valid` also
    names newer folders that have no readable record; `prune` renames a
    folder aside before deleting it, so a half-deleted one never looks like
    a checkpoint.
    """

    def scan(self, folder: str) -> list[CheckpointInfo]:
        infos = [read_record(path) for path, _ in _checkpoint_folders(Path(folder))]
        return sorted((info for info in infos if info is not None), key=lambda info: info.step)

    def verify(self, checkpoint: CheckpointInfo) -> list[str]:
        folder = Path(checkpoint.location)
        if not folder.is_dir():
            return [f"{folder.name}: the folder is missing"]
        problems = [
            f"{folder.name}/{name}: {problem}"
            for name, digest in sorted(checkpoint.files.items())
            if (problem := _file_problem(folder / name, digest))
        ]
        problems += [
            f"{folder.name}/{path.relative_to(folder).as_posix()}: pickle-based weights are refused"
            for path in sorted(folder.rglob("*"))
            if path.is_file() and _is_pickled_weights(path.name)
        ]
        if not any(name.endswith(".safetensors") for name in checkpoint.files):
            problems.append(f"{folder.name}: no safetensors weights are recorded")
        return problems

    def latest_valid(self, folder: str) -> tuple[CheckpointInfo | None, list[str]]:
        skipped: list[str] = []
        for path, step in reversed(_checkpoint_folders(Path(folder))):
            info = read_record(path)
            if info is None:
                skipped.append(f"{path.name}: no readable codemill_checkpoint.json")
                continue
            problems = self.verify(info)
            if not problems:
                return info, skipped
            skipped.append(f"{path.name} (step {step}): " + "; ".join(problems))
        return None, skipped

    def prune(self, folder: str, keep: set[int]) -> list[int]:
        deleted = []
        for path, step in _checkpoint_folders(Path(folder)):
            if step in keep:
                continue
            doomed = path.with_name(f".deleting-{path.name}")
            path.rename(doomed)
            shutil.rmtree(doomed, ignore_errors=True)
            deleted.append(step)
        return deleted


def _checkpoint_folders(root: Path) -> list[tuple[Path, int]]:
    """(folder, step) of every `checkpoint-STEP` folder under root, by step."""
    if not root.is_dir():
        return []
    found = [(path, checkpoint_step(path)) for path in root.iterdir() if path.is_dir()]
    return sorted(((path, step) for path, step in found if step is not None), key=lambda item: item[1])


def _is_pickled_weights(name: str) -> bool:
    return bool(_PICKLE_FILE.fullmatch(name)) and not TRAINER_STATE_FILE.fullmatch(name)


def _file_problem(path: Path, digest: str) -> str:
    if not path.is_file():
        return "missing"
    if sha256_of(path) != digest:
        return "sha256 differs from the record (changed or truncated)"
    return ""
