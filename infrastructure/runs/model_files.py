"""Which files of a local model folder may be exported: safetensors weights only, never pickles."""

from __future__ import annotations

from pathlib import Path

from codemill.domain.errors import InputError, IntegrityError

PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt"})
WEIGHTS_SUFFIX = ".safetensors"


def exportable_files(model_folder: str) -> dict[str, Path]:
    """Every file under `model_folder` by '/'-separated relative path, in path order.

    Raises InputError when the folder does not exist, and IntegrityError when
    it holds pickle-based weights (`*.bin`, `*.pt`, `*.pth`, `*.pkl`,
    `*.pickle`, `*.ckpt`) or no `*.safetensors` file: nothing that would be
    unpickled on load ever leaves this machine.
    """
    folder = Path(model_folder)
    if not folder.is_dir():
        raise InputError(f"model folder {model_folder} does not exist or is not a folder")
    files = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    pickles = sorted(path for path in files if Path(path).suffix.lower() in PICKLE_SUFFIXES)
    if pickles:
        raise IntegrityError(
            f"model folder {model_folder} holds pickle-based files ({', '.join(pickles)}); "
            "save the model as safetensors (save_pretrained(safe_serialization=True)) and retry"
        )
    if not any(path.endswith(WEIGHTS_SUFFIX) for path in files):
        raise IntegrityError(f"model folder {model_folder} has no *{WEIGHTS_SUFFIX} weights")
    return files
