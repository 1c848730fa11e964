"""Lineage that cannot dangle: saying when what an artifact was built from has been replaced since."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from codemill.domain.manifest import Manifest
from codemill.domain.ports.corpus_repository import CorpusRepository
from codemill.domain.ports.dataset_repository import DatasetRepository


class UpstreamCheck:
    """Compares the upstream manifest hash an artifact recorded with the upstream's current manifest.

    Each method returns one line per upstream that changed ("built from
    corpus X as of <hash>, which has since been replaced ..."), or that no
    longer exists; an empty list when the lineage still holds or records no
    hash (artifacts made before lineage was recorded, user files).
    """

    def __init__(self, *, corpora: CorpusRepository, datasets: DatasetRepository) -> None:
        self._corpora = corpora
        self._datasets = datasets

    def of_dataset(self, name: str) -> list[str]:
        source = self._datasets.stats(name).get("source") or {}
        corpus = source.get("corpus")
        if not corpus:
            return []
        return _compare(
            "corpus", str(corpus), str(source.get("manifest_sha256") or ""), self._corpora.manifest
        )

    def of_run(self, record: Mapping[str, Any]) -> list[str]:
        dataset = record.get("dataset")
        if not dataset:
            return []
        recorded = str(record.get("dataset_manifest_sha256") or "")
        return _compare("dataset", str(dataset), recorded, self._datasets.manifest)


def _compare(kind: str, name: str, recorded: str, current: Any) -> list[str]:
    if not recorded:
        return []
    try:
        manifest: Manifest = current(name)
    except (ArtifactNotFoundError, IntegrityError):
        return [f"built from {kind} '{name}' as of {recorded[:12]}, which no longer exists"]
    digest = manifest.digest()
    if digest == recorded:
        return []
    replaced = " (it replaced that version)" if manifest.metadata.get("replaces") == recorded else ""
    return [
        f"built from {kind} '{name}' as of {recorded[:12]}, which has since been replaced: "
        f"now {digest[:12]}, published {manifest.created_at}{replaced}"
    ]
