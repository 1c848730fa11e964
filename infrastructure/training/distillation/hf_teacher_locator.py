"""TeacherLocator: a teacher in a local folder or on the Hugging Face hub, and its vocabulary checked."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

from codemill.domain.errors import InputError, first_line
from codemill.domain.ports.teacher_locator import LocatedTeacher
from codemill.infrastructure.tokenizers.hub_access import hub_endpoint, hub_offline, hub_reachable

log = logging.getLogger("codemill.distill")
HUB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_COMMIT = re.compile(r"[0-9a-f]{40}")
_PICKLES = (".bin", ".pt", ".pth", ".pkl", ".ckpt")  # never loaded, so they do not identify the model
_HUB_FILES = ["*.json", "*.safetensors", "*.txt", "*.model", "*.tiktoken"]  # config, weights, tokenizer
_CHUNK = 1 << 20


class HfTeacherLocator:
    """TeacherLocator (see the port) with the local disk and `huggingface_hub`.

    Contract, beyond the port's: a hub model is looked up in the local cache
    (`hub_cache_dir`, else the Hugging Face default) first; the hub is asked
    only when HF_HUB_OFFLINE is not set and a short connection probe
    answers, so offline it fails at once. A folder's fingerprint covers its
    top-level files, hidden and pickle-based ones aside: what loading reads.
    """

    def __init__(self, hub_cache_dir: str | None = None) -> None:
        self._hub_cache_dir = hub_cache_dir

    def locate(self, reference: str, revision: str | None = None) -> LocatedTeacher | None:
        path = Path(reference).expanduser()
        if path.is_dir():
            folder = path.resolve()
            _check_folder(folder, f"teacher folder {folder}", "save the model there with save_pretrained")
            return LocatedTeacher(
                reference=str(folder),
                origin="local",
                folder=str(folder),
                fingerprint=folder_fingerprint(folder),
            )
        if path.exists():
            raise InputError(f"teacher {reference!r} is a file: pass a model folder (config.json, weights)")
        if HUB_NAME.fullmatch(reference) is None:
            return None
        return self._from_hub(reference, revision)

    def check_vocabulary(self, teacher_dir: str, dataset_dir: str) -> None:
        from codemill.infrastructure.training.distillation.teacher import check_vocabulary
        from codemill.infrastructure.training.encoding import load_tokenizer

        tokenizer = load_tokenizer(dataset_dir)
        if check_vocabulary(teacher_dir, tokenizer, "teacher"):
            return
        rows = _embedded_tokens(Path(teacher_dir))
        if rows is not None and rows < len(tokenizer):
            raise InputError(
                f"the teacher in {teacher_dir} embeds {rows} tokens but the dataset's tokenizer has "
                f"{len(tokenizer)}: build the dataset with the teacher's tokenizer (--tokenizer NAME)"
            )
        log.warning(
            "the teacher in %s has no tokenizer of its own: make sure the dataset was built with its "
            "tokenizer (--tokenizer), its vocabulary cannot be compared",
            teacher_dir,
        )

    def _from_hub(self, name: str, pinned: str | None) -> LocatedTeacher:
        if pinned is None:
            log.warning(
                "teacher %s is unpinned and may change on the hub: pass --teacher-revision COMMIT to pin it",
                name,
            )
        folder = self._cached(name, pinned)
        if folder is None:
            folder = self._download(name, pinned)
        _check_folder(folder, f"teacher {name!r} on the hub", "pass a local folder")
        revision = folder.name if _COMMIT.fullmatch(folder.name) else None
        decided_by = {"hub": name, "revision": revision or folder_fingerprint(folder)}
        fingerprint = hashlib.sha256(json.dumps(decided_by, sort_keys=True).encode("utf-8")).hexdigest()
        log.info("teacher %s from the hub (commit %s)", name, revision or "unknown")
        return LocatedTeacher(
            reference=name, origin="hub", folder=str(folder), fingerprint=fingerprint, revision=revision
        )

    def _cached(self, name: str, revision: str | None) -> Path | None:
        """The complete cached snapshot (config and safetensors weights), else None."""
        try:
            folder = Path(self._snapshot(name, revision, local_only=True))
        except Exception:  # not cached: huggingface_hub raises several types for it
            return None
        complete = (folder / "config.json").is_file() and any(folder.glob("*.safetensors"))
        return folder if complete else None

    def _download(self, name: str, revision: str | None) -> Path:
        if hub_offline():
            raise InputError(
                f"cannot download teacher {name!r}: it is not a local folder nor in the Hugging Face "
                "cache (config and safetensors weights), and HF_HUB_OFFLINE is set; pass a local folder"
            )
        if not hub_reachable():
            raise InputError(
                f"cannot download teacher {name!r}: it is not a local folder nor cached, and "
                f"{hub_endpoint()} cannot be reached; pass a local folder"
            )
        try:
            return Path(self._snapshot(name, revision, local_only=False))
        except Exception as exc:  # huggingface_hub raises many types: missing repo, gated, network
            raise InputError(
                f"cannot download teacher {name!r} from {hub_endpoint()} ({first_line(exc)}); "
                "pass a local folder"
            ) from None

    def _snapshot(self, name: str, revision: str | None, *, local_only: bool) -> str:
        from huggingface_hub import snapshot_download

        folder: str = snapshot_download(
            name,
            revision=revision,
            allow_patterns=_HUB_FILES,
            cache_dir=self._hub_cache_dir,
            local_files_only=local_only,
        )
        return folder


def folder_fingerprint(folder: Path) -> str:
    """sha256 over the names and contents of the folder's top-level files, hidden and pickle ones aside."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.name.startswith(".") or path.suffix in _PICKLES:
            continue
        content = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                content.update(chunk)
        digest.update(f"{path.name}\0{content.hexdigest()}\n".encode())
    return digest.hexdigest()


def _check_folder(folder: Path, what: str, fix: str) -> None:
    if not (folder / "config.json").is_file():
        raise InputError(f"{what} has no config.json: {fix}")
    if not any(folder.glob("*.safetensors")):
        raise InputError(f"{what} has no safetensors weights (pickle-based ones are never loaded): {fix}")


def _embedded_tokens(folder: Path) -> int | None:
    try:
        config: Any = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    rows = config.get("vocab_size") if isinstance(config, dict) else None
    return rows if isinstance(rows, int) else None
