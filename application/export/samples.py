"""The samples an export is checked on: the model's test split when its lineage names a dataset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.ports.dataset_repository import DatasetRepository

SAMPLE_LIMIT = 256

BUILT_IN_SNIPPETS = (
    "def add(a, b):\n    return a + b\n",
    "class Stack:\n    def push(self, item):\n        self.items.append(item)\n",
    "import os\n\ndef home():\n    return os.environ.get('HOME', '/')\n",
    "for i in range(10):\n    print(i * i)\n",
    'package main\n\nfunc main() {\n\tfmt.Println("hi")\n}\n',
    "func (s *Server) Close() error {\n\treturn s.listener.Close()\n}\n",
    "public class Point {\n    private int x;\n    public int getX() { return x; }\n}\n",
    "public static void main(String[] args) {\n    System.out.println(args.length);\n}\n",
    "function sum(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n",
    'fn main() {\n    let v: Vec<i32> = (0..5).collect();\n    println!("{:?}", v);\n}\n',
    "int main(void) {\n    int n = 0;\n    return n;\n}\n",
    "SELECT name FROM users WHERE id = 1;\n",
)


@dataclass(frozen=True, kw_only=True)
class ParitySamples:
    texts: tuple[str, ...]
    labels: tuple[str | None, ...]  # the gold label of each text, None when unknown
    targets: tuple[str | None, ...]  # the gold generation of each text, None when unknown
    source: str  # 'dataset NAME (test)' or 'built-in snippets'


def parity_samples(
    datasets: DatasetRepository, dataset: str | None, *, limit: int = SAMPLE_LIMIT
) -> ParitySamples:
    """The test split of `dataset` (at most `limit` samples), else the built-in code snippets."""
    if dataset:
        try:
            rows = list(datasets.samples(dataset, "test", limit=limit))
        except (ArtifactNotFoundError, InputError):
            rows = []
        if rows:
            return ParitySamples(
                texts=tuple(r.text for r in rows),
                labels=tuple(r.label for r in rows),
                targets=tuple(r.target for r in rows),
                source=f"dataset {dataset} (test)",
            )
    unknown = (None,) * len(BUILT_IN_SNIPPETS)
    return ParitySamples(texts=BUILT_IN_SNIPPETS, labels=unknown, targets=unknown, source="built-in snippets")


def lineage_dataset(lineage: Mapping[str, Any]) -> str | None:
    """The dataset a lineage record names, if any."""
    dataset = lineage.get("dataset")
    if isinstance(dataset, Mapping) and dataset.get("name"):
        return str(dataset["name"])
    return None


def known_targets(targets: tuple[str | None, ...]) -> list[str] | None:
    """The gold generations, or None when any is missing."""
    if not targets or any(target is None for target in targets):
        return None
    return [str(target) for target in targets]


def label_indices(labels: tuple[str | None, ...], names: tuple[str, ...]) -> list[int] | None:
    """Gold labels as the model's class indices; None when any is missing or unknown to the model."""
    index = {name: i for i, name in enumerate(names)}
    if not labels or any(label is None or label not in index for label in labels):
        return None
    return [index[str(label)] for label in labels]
