"""Files as code sources yield them, before any parsing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class RawFile:
    """A file's bytes and where it came from."""

    path: str  # '/'-separated, relative to the source root
    data: bytes
    source: str  # folder, repository URL, archive or storage prefix, as the user named it
    commit: str = ""  # resolved commit SHA for git sources


@dataclass(frozen=True, slots=True, kw_only=True)
class SkippedFile:
    """A file a source or a screen refused, with the reason it is counted under."""

    path: str
    reason: str  # e.g. 'too_large', 'binary', 'undecodable', 'minified', 'generated', 'unsafe_member'
    source: str
    detail: str = ""
