"""Port: a teacher model from outside storage (a local folder or a hub name), checked against a dataset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

TeacherOrigin = Literal["storage", "local", "hub", "registry"]


@dataclass(frozen=True, kw_only=True)
class LocatedTeacher:
    """A teacher on the local disk and what identifies its contents (the cache key and the run record)."""

    reference: str  # what the run record names: a model name, a folder's absolute path, a hub name
    origin: TeacherOrigin
    folder: str  # a local folder: config.json, safetensors weights, tokenizer files
    fingerprint: str  # 64 hex digits; the same contents always give the same fingerprint
    revision: str | None = None  # the hub commit the folder holds, when known


class TeacherLocator(Protocol):
    """Teachers that are not published in storage, and the vocabulary check every teacher passes.

    Contract: `locate` reads `reference` as an existing local folder first,
    else as a hub name ('org/name'); it returns None when it is neither (a
    path that does not exist, a plain name). A folder must hold config.json
    and safetensors weights (pickle-based weights are never loaded); its
    fingerprint is the sha256 over the names and contents of its files. A
    hub model comes from the local Hugging Face cache, else is downloaded
    (config, safetensors and tokenizer files only) unless the hub is
    offline; its fingerprint is the sha256 of the name and the resolved
    commit. `revision` (a commit or tag) pins a hub model; a folder ignores
    it (the caller refuses it); without it a hub model is loaded unpinned,
    with one warning. Every failure is an InputError of one line.
    `check_vocabulary` raises InputError, one line that names the folder to
    build the dataset from (`--tokenizer FOLDER`), when the tokenizer of
    the teacher in `teacher_dir` is not the one of the dataset in
    `dataset_dir`; it loads no weights.
    """

    def locate(self, reference: str, revision: str | None = None) -> LocatedTeacher | None: ...

    def check_vocabulary(self, teacher_dir: str, dataset_dir: str) -> None: ...
