"""Where the registry keeps things in storage, under `registry/NAME/`.

- `claims/{N:08d}.json`: the claim of version N, created once (never reused);
- `versions/N/`: the model files, `version.json` (the record), `manifest.json` last;
- `aliases/ALIAS/history/{SEQ:08d}.json`: one immutable object per move;
- `validations/N/`: the latest validation report of version N (manifest last).
"""

from __future__ import annotations

from codemill.domain.keys import join_key
from codemill.domain.registry import check_alias, check_model_name

REGISTRY = "registry"
VERSION_RECORD = "version.json"
VERSION_KIND = "registry-version"
CLAIMS, VERSIONS, ALIASES, HISTORY, VALIDATIONS = "claims", "versions", "aliases", "history", "validations"


def model_prefix(name: str) -> str:
    return f"{join_key(REGISTRY, check_model_name(name))}/"


def claims_prefix(name: str) -> str:
    return f"{model_prefix(name)}{CLAIMS}/"


def claim_key(name: str, version: int) -> str:
    return f"{claims_prefix(name)}{version:08d}.json"


def versions_prefix(name: str) -> str:
    return f"{model_prefix(name)}{VERSIONS}/"


def version_prefix(name: str, version: int) -> str:
    return f"{versions_prefix(name)}{version}/"


def aliases_prefix(name: str) -> str:
    return f"{model_prefix(name)}{ALIASES}/"


def history_prefix(name: str, alias: str) -> str:
    return f"{aliases_prefix(name)}{check_alias(alias)}/{HISTORY}/"


def history_key(name: str, alias: str, seq: int) -> str:
    return f"{history_prefix(name, alias)}{seq:08d}.json"


def validation_prefix(name: str, version: int) -> str:
    return f"{model_prefix(name)}{VALIDATIONS}/{version}/"


def sequence_of(key: str) -> int | None:
    """The number in a `.../{N:08d}.json` key (claims, history entries), None for anything else."""
    stem = key.rpartition("/")[2].removesuffix(".json")
    return int(stem) if len(stem) == 8 and stem.isdigit() and key.endswith(".json") else None
