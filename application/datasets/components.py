"""Samples that must share a split: connected components over groups, clusters and exact copies."""

from __future__ import annotations

from collections.abc import Sequence

from codemill.application.datasets.text_keys import text_key
from codemill.domain.dataset import Sample


class _UnionFind:
    def __init__(self, size: int) -> None:
        self._parent = list(range(size))
        self._size = [1] * size

    def find(self, item: int) -> int:
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]  # path halving
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        if self._size[root_a] < self._size[root_b]:
            root_a, root_b = root_b, root_a
        self._parent[root_b] = root_a
        self._size[root_a] += self._size[root_b]


def connected_components(samples: Sequence[Sample]) -> list[list[int]]:
    """Sample indices partitioned so that linked samples share a component.

    Two samples are linked when they have the same non-empty `group`, the
    same non-empty `cluster`, or the same whitespace-normalized text; links
    are transitive. Components come in the order of their first sample, each
    with its indices ascending.
    """
    links = _UnionFind(len(samples))
    first_seen: dict[tuple[str, str], int] = {}
    for index, sample in enumerate(samples):
        keys = [("t", text_key(sample.text))]
        keys += [(kind, value) for kind, value in (("g", sample.group), ("c", sample.cluster)) if value]
        for key in keys:
            earlier = first_seen.setdefault(key, index)
            if earlier != index:
                links.union(earlier, index)
    members: dict[int, list[int]] = {}
    for index in range(len(samples)):
        members.setdefault(links.find(index), []).append(index)
    return list(members.values())
