"""The files a dataset publishes besides its splits, and the metadata its manifest carries."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from codemill.domain.dataset import Sample
from codemill.domain.keys import join_key
from codemill.domain.ports.dataset_repository import DatasetBundle
from codemill.infrastructure.datasets.sample_columns import SCHEMA_VERSION, ColumnLayout

DATA_FOLDER, TOKENIZER_FOLDER, PLOTS_FOLDER = "data", "tokenizer", "plots"
LABEL_MAP_NAME, STATS_NAME, CARD_NAME = "label_map.json", "stats.json", "README.md"


def bundle_artifacts(bundle: DatasetBundle, layout: ColumnLayout) -> dict[str, bytes]:
    """Path -> bytes for tokenizer/, plots/, label_map.json, stats.json and README.md (keys validated)."""
    artifacts = {
        join_key(TOKENIZER_FOLDER, name): bytes(data) for name, data in bundle.tokenizer_files.items()
    }
    artifacts |= {join_key(PLOTS_FOLDER, name): bytes(data) for name, data in bundle.plots.items()}
    label_map = {"labels": list(layout.label_names), "label2id": layout.label2id}
    artifacts[LABEL_MAP_NAME] = _json(label_map)
    artifacts[STATS_NAME] = _json(dict(bundle.stats))
    artifacts[CARD_NAME] = bundle.card.encode("utf-8")
    return artifacts


def dataset_metadata(
    name: str, splits: Mapping[str, Sequence[Sample]], bundle: DatasetBundle, layout: ColumnLayout
) -> dict[str, Any]:
    return {
        "name": name,
        "schema_version": SCHEMA_VERSION,
        "task": str(bundle.task.task),
        "subtask": bundle.task.effective_subtask,
        "label_field": bundle.task.label_field,
        "label_column": layout.label_field,
        "num_labels": len(layout.label_names),
        "multi_label": layout.label_field == "labels",
        "columns": list(layout.columns),
        "splits": {split: len(samples) for split, samples in splits.items()},
        "source_manifest_sha256": bundle.source_manifest_sha256,
        **dict(bundle.lineage),
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
