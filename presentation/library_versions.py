"""The library versions recorded in manifests and run records, by step."""

from __future__ import annotations

from importlib import metadata

COLLECT_TOOLS = ("tree-sitter", "radon", "bandit", "lizard", "datasketch", "detect-secrets", "pyarrow")
TRAINING_LIBRARIES = (
    "codemill",
    "torch",
    "transformers",
    "accelerate",
    "datasets",
    "tokenizers",
    "safetensors",
    "peft",
)


def installed_versions(distributions: tuple[str, ...]) -> dict[str, str]:
    """Name -> installed version of each distribution; those not installed are left out."""
    versions = {}
    for name in distributions:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def tool_versions() -> dict[str, str]:
    """The tools whose output a corpus depends on."""
    return installed_versions(COLLECT_TOOLS)


def training_versions() -> dict[str, str]:
    """Library versions recorded with every training run."""
    return installed_versions(TRAINING_LIBRARIES)
