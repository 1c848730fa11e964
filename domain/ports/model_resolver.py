"""Port: a model reference -> a verified local model folder, and what the reference points at now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

REGISTRY_SCHEME = "registry:"  # registry:NAME@ALIAS or registry:NAME/VERSION
ModelOrigin = Literal["registry", "storage", "local"]


@dataclass(frozen=True, kw_only=True)
class ResolvedModel:
    """Where a reference led: a local folder holding the model, and what it is."""

    reference: str  # as the user wrote it
    folder: str  # a local folder: config, safetensors weights, tokenizer, optional calibration.json
    name: str  # the model's name (registry name, storage name, or the folder's name)
    version: int | None = None  # the registry version, when the reference went through the registry
    alias: str | None = None  # the alias followed, for registry:NAME@ALIAS
    fingerprint: str = ""  # sha256 identifying the contents (the manifest's, or of the files)
    lineage: Mapping[str, Any] = field(default_factory=dict)  # the version's record: run, dataset, metrics
    origin: ModelOrigin | None = None  # where it was found; None when the resolver does not say


class ModelResolver(Protocol):
    """Resolves what users write where a model is expected.

    Contract: `resolve` accepts `registry:NAME@ALIAS`, `registry:NAME/VERSION`,
    a model name published in storage (`models/NAME/`), or a local folder,
    in that order for a plain word (storage wins over a same-named folder);
    the folder it returns is complete and verified against its manifest
    when it came from storage. Unknown references raise InputError or
    ArtifactNotFoundError with one line that says what exists.
    `current_version` is the version an alias points at now (None when the
    alias does not exist), cheap enough to poll every few seconds.
    """

    def resolve(self, reference: str) -> ResolvedModel: ...

    def current_version(self, name: str, alias: str) -> int | None: ...
