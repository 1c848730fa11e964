"""Installed versions of the libraries recorded in manifests."""

from __future__ import annotations

from importlib import metadata


def package_version(distribution: str) -> str:
    """The installed version of `distribution`, or '' when it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""
