"""Port: registered models, their immutable numbered versions, and aliases with append-only histories."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from codemill.domain.alias_history import AliasMove
from codemill.domain.manifest import Manifest
from codemill.domain.registry import ModelSource, RegisteredVersion, ValidationVerdict


class ModelRegistry(Protocol):
    """Versions numbered 1, 2, 3, ... per model name, and named aliases that point at them.

    Contract:
    - `claim` creates the claim object of version N and returns whether this
      call got it (False: N is taken); a claimed number is never handed out
      again, whether or not its version is ever completed;
    - `publish_version` copies the model (every file of a stored model,
      verified against its manifest; or a local folder with config.json and
      safetensors weights, never pickles) and `record` (version.json) into a
      claimed version, manifest last. It raises IntegrityError for a version
      that is already complete (versions are immutable) or was not claimed;
    - a version without its manifest does not exist for any reader:
      `versions`, `version`, `names` and `fetch_version` see complete ones only;
    - `append_move` creates the history entry `move.seq` of `move.alias` and
      returns False when that entry exists (another move took the slot);
      entries are never rewritten or deleted; `history` lists them by seq;
    - `validation` is the verdict of the latest report published for a
      version (None when it was never validated as a registry version);
    - `conditional_writes`: whether claims and history entries are created
      atomically on this backend (see ArtifactStore.create);
    - unknown names and versions raise ArtifactNotFoundError with one line
      that says what exists.
    """

    @property
    def conditional_writes(self) -> bool: ...

    def names(self) -> list[str]: ...

    def claimed_versions(self, name: str) -> list[int]: ...

    def claim(self, name: str, version: int, claim: Mapping[str, Any]) -> bool: ...

    def publish_version(
        self, name: str, version: int, source: ModelSource, record: Mapping[str, Any]
    ) -> Manifest: ...

    def versions(self, name: str) -> list[int]: ...

    def version(self, name: str, version: int) -> RegisteredVersion: ...

    def fetch_version(self, name: str, version: int, local_root: str) -> str: ...

    def aliases(self, name: str) -> list[str]: ...

    def history(self, name: str, alias: str) -> list[AliasMove]: ...

    def append_move(self, name: str, move: AliasMove) -> bool: ...

    def validation(self, name: str, version: int) -> ValidationVerdict | None: ...
