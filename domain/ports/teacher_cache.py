"""Port: the teacher's outputs on a dataset, computed once and kept in storage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from codemill.domain.manifest import Manifest


class TeacherCache(Protocol):
    """Folders of teacher logits under a key (a sha256 of what decides them).

    Contract: `fetch` copies the published entry for `key` into
    `local_folder`, every file verified against its manifest, and says
    whether there was one (False leaves the folder untouched); `publish`
    uploads every file of `local_folder` under the key with the manifest
    last, replacing an older entry. A key is 64 lowercase hex digits.
    """

    def fetch(self, key: str, local_folder: str) -> bool: ...

    def publish(self, key: str, local_folder: str, metadata: Mapping[str, Any]) -> Manifest: ...
