"""Stable hashes of configurations, for manifests and cache keys."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if _hashed(f) and not _unset_and_new(f, getattr(value, f.name))
        }
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(str(v) for v in value)
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def config_hash(*parts: Any) -> str:
    """sha256 (first 16 hex digits) of a canonical JSON rendering of `parts`.

    A dataclass field whose metadata says `hashed: False` (domain.training.NOT_HASHED) is left out;
    one that says `hashed: 'when_set'` (HASHED_WHEN_SET) is left out while it holds its default.
    """
    text = json.dumps([_plain(p) for p in parts], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def not_hashed(kind: type[Any]) -> frozenset[str]:
    """The names of the fields of the dataclass `kind` that `config_hash` leaves out."""
    return frozenset(f.name for f in dataclasses.fields(kind) if not _hashed(f))


def without_keys(settings: Mapping[str, Any], names: frozenset[str]) -> dict[str, Any]:
    """`settings` (plain, nested mappings) with the keys `names` dropped at every level."""
    return {
        key: without_keys(value, names) if isinstance(value, Mapping) else value
        for key, value in settings.items()
        if key not in names
    }


def _unset_and_new(field: dataclasses.Field[Any], value: Any) -> bool:
    return bool(field.metadata.get("hashed") == "when_set" and value == field.default)


def _hashed(field: dataclasses.Field[Any]) -> bool:
    return bool(field.metadata.get("hashed", True))
