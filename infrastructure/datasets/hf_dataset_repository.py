"""Task datasets in the Hugging Face DatasetDict layout under `datasets/NAME/`, on any ArtifactStore."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.domain.dataset import Sample
from codemill.domain.errors import IntegrityError
from codemill.domain.keys import join_key
from codemill.domain.manifest import Manifest
from codemill.domain.names import NAME_PATTERN
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.ports.dataset_repository import DatasetBundle
from codemill.infrastructure.datasets.dataset_bundle_files import (
    CARD_NAME,
    DATA_FOLDER,
    STATS_NAME,
    bundle_artifacts,
    dataset_metadata,
)
from codemill.infrastructure.datasets.dataset_dict_files import save_dataset_dict, saved_samples
from codemill.infrastructure.datasets.sample_columns import SCHEMA_VERSION, layout_for
from codemill.infrastructure.datasets.verified_files import local_copy, published_manifest, read_verified
from codemill.infrastructure.storage.published_names import named_prefix, published_names
from codemill.infrastructure.versions import package_version

DATASET_KIND = "dataset"
_TOOLS = ("datasets", "tokenizers", "transformers", "pyarrow")


class HfDatasetRepository:
    """DatasetRepository on any ArtifactStore, cached locally under `cache_dir`.

    Layout under `PREFIX/NAME/`: `data/` (what `DatasetDict.save_to_disk`
    writes), `tokenizer/`, `label_map.json`, `stats.json`, `README.md`,
    `plots/NAME.png`, and `manifest.json` last (kind 'dataset').
    Contract (the port, plus):
    - names follow the corpus rule (1-100 letters, digits, '.', '-', '_');
    - the samples and bundle are checked and encoded before anything stored
      is touched, so a bad input leaves the old dataset in place;
    - columns: id, text, then `target` (generation), `label` (a ClassLabel)
      or `labels` (a sequence of ClassLabel, multi-label security), then
      group, cluster, language;
    - `local_copy` downloads to `cache_dir/NAME-<manifest sha256[:16]>/`,
      verifying each file, and reuses a copy marked complete.
    """

    def __init__(self, store: ArtifactStore, *, cache_dir: str | Path, prefix: str = "datasets") -> None:
        self._store = store
        self._cache_dir = Path(cache_dir).expanduser()
        self._root = join_key(prefix)

    def publish(self, name: str, splits: Mapping[str, Sequence[Sample]], bundle: DatasetBundle) -> Manifest:
        prefix = self._prefix(name)
        layout = layout_for(bundle.task, bundle.label_names)
        artifacts = bundle_artifacts(bundle, layout)
        with tempfile.TemporaryDirectory(prefix="codemill-dataset-") as temp:
            folder = Path(temp)
            save_dataset_dict(folder, splits, layout)
            writer = ArtifactWriter(self._store, prefix, kind=DATASET_KIND)
            self._store.delete_prefix(prefix)
            for file in sorted(p for p in folder.rglob("*") if p.is_file()):
                with file.open("rb") as stream:
                    writer.write_stream(f"{DATA_FOLDER}/{file.relative_to(folder).as_posix()}", stream)
        for path, payload in artifacts.items():
            writer.write(path, payload)
        return writer.publish(
            config_hash=bundle.config_hash,
            code_version=package_version("codemill"),
            tool_versions={tool: package_version(tool) for tool in _TOOLS},
            metadata=dataset_metadata(name, splits, bundle, layout),
        )

    def names(self) -> list[str]:
        return published_names(self._store, self._root, NAME_PATTERN)

    def manifest(self, name: str) -> Manifest:
        return self._manifest(name)[0]

    def stats(self, name: str) -> dict[str, Any]:
        stats = json.loads(self._artifact(name, STATS_NAME))
        if not isinstance(stats, dict):
            raise IntegrityError(f"dataset '{name}': {STATS_NAME} is not a JSON object")
        return stats

    def card(self, name: str) -> str:
        return self._artifact(name, CARD_NAME).decode("utf-8")

    def samples(self, name: str, split: str, *, limit: int | None = None) -> Iterator[Sample]:
        folder = Path(self.local_copy(name)) / DATA_FOLDER
        return saved_samples(folder, split, where=f"dataset '{name}'", limit=limit)

    def local_copy(self, name: str) -> str:
        _, raw = self._manifest(name)
        folder = self._cache_dir / f"{name}-{hashlib.sha256(raw).hexdigest()[:16]}"
        return str(local_copy(self._store, self._prefix(name), raw, folder, what=f"dataset '{name}'"))

    def _artifact(self, name: str, path: str) -> bytes:
        manifest, _ = self._manifest(name)
        return read_verified(self._store, self._prefix(name), manifest, path, what=f"dataset '{name}'")

    def _manifest(self, name: str) -> tuple[Manifest, bytes]:
        manifest, raw = published_manifest(
            self._store, self._prefix(name), DATASET_KIND, what=f"dataset '{name}'"
        )
        version = manifest.metadata.get("schema_version")
        if version != SCHEMA_VERSION:
            raise IntegrityError(
                f"dataset '{name}' has schema version {version!r}; this codemill reads {SCHEMA_VERSION}"
            )
        return manifest, raw

    def _prefix(self, name: str) -> str:
        return named_prefix(self._root, name, what="dataset")
