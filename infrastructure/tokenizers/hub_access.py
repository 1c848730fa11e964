"""Whether the Hugging Face hub may be asked, and whether it answers, before a slow retrying download."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_ENDPOINT = "https://huggingface.co"
_COMMIT = re.compile(r"[0-9a-f]{40}")
_TRUE = {"1", "on", "yes", "true"}
_PROXIES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def hub_endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "").strip() or DEFAULT_ENDPOINT


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE


def cached_commit(name: str, revision: str | None, files: tuple[str, ...]) -> str | None:
    """The commit of the cached snapshot of hub repo `name` at `revision` (None: main) that holds one
    of `files`, read from its folder (`.../snapshots/COMMIT/FILE`); None when none is cached."""
    from huggingface_hub import try_to_load_from_cache

    for file in files:
        path = try_to_load_from_cache(name, file, revision=revision)
        if isinstance(path, str):
            commit = Path(path).parent.name
            return commit if _COMMIT.fullmatch(commit) else None
    return None


def hub_reachable(timeout_s: float = 3.0) -> bool:
    """A TCP connection to the endpoint opens within `timeout_s` (assumed true behind a proxy)."""
    if any(os.environ.get(name) for name in _PROXIES):
        return True
    parts = urlsplit(hub_endpoint())
    if not parts.hostname:
        return False
    port = parts.port or (80 if parts.scheme == "http" else 443)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout_s):
            return True
    except OSError:
        return False
