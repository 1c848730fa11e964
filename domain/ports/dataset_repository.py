"""Port: where task datasets are written and read back."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from codemill.domain.dataset import Sample, TaskSpec
from codemill.domain.manifest import Manifest


@dataclass(frozen=True, kw_only=True)
class DatasetBundle:
    """Everything a dataset publishes besides its samples."""

    task: TaskSpec
    label_names: tuple[str, ...] = ()  # index -> label, for classification and security
    tokenizer_files: Mapping[str, bytes] = field(default_factory=dict)
    stats: Mapping[str, Any] = field(default_factory=dict)
    card: str = ""  # README.md (markdown)
    plots: Mapping[str, bytes] = field(default_factory=dict)  # name.png -> PNG bytes
    source_manifest_sha256: str = ""  # the corpus's (or user file's) manifest hash, for lineage
    config_hash: str = ""
    lineage: Mapping[str, str] = field(default_factory=dict)  # {'replaces': sha256} when it replaces one


class DatasetRepository(Protocol):
    """Datasets by name under `datasets/NAME/`.

    Contract: `publish` writes the splits in the Hugging Face `DatasetDict`
    layout (so `datasets.load_from_disk` reads a downloaded copy), the
    tokenizer under `tokenizer/`, `label_map.json`, `stats.json`, `README.md`,
    `plots/`, and `manifest.json` last; an existing dataset of that name is
    unpublished first. Readers see published datasets only and raise
    ArtifactNotFoundError otherwise; `local_copy` verifies checksums.
    """

    def publish(
        self, name: str, splits: Mapping[str, Sequence[Sample]], bundle: DatasetBundle
    ) -> Manifest: ...

    def names(self) -> list[str]: ...

    def manifest(self, name: str) -> Manifest: ...

    def stats(self, name: str) -> dict[str, Any]: ...

    def card(self, name: str) -> str: ...

    def samples(self, name: str, split: str, *, limit: int | None = None) -> Iterator[Sample]: ...

    def local_copy(self, name: str) -> str:
        """A local folder holding the verified dataset (DatasetDict under `data/`, `tokenizer/`,
        `label_map.json`), downloaded once and cached by manifest hash."""
        ...
