"""The names published under a storage root, and the prefix a valid name maps to."""

from __future__ import annotations

import re

from codemill.domain.keys import join_key
from codemill.domain.manifest import MANIFEST_NAME
from codemill.domain.names import check_name
from codemill.domain.ports.artifact_store import ArtifactStore


def published_names(store: ArtifactStore, root: str, pattern: re.Pattern[str]) -> list[str]:
    """Sorted names N that match `pattern` and have a `ROOT/N/manifest.json`.

    Only a manifest directly under the name's folder counts: a half-written
    output (artifacts without a manifest) and nested manifests are not names.
    """
    base = join_key(root) + "/"
    found = []
    for key in store.list(base):
        name, _, rest = key[len(base) :].partition("/")
        if rest == MANIFEST_NAME and pattern.fullmatch(name):
            found.append(name)
    return sorted(found)


def named_prefix(root: str, name: str, *, what: str) -> str:
    """`ROOT/NAME/` for a valid name; InputError naming `what` otherwise."""
    return f"{join_key(root)}/{check_name(name, what=what)}/"
