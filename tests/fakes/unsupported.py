"""Bases for partial fakes: every member of the port raises NotImplementedError naming the fake.

A fake that supports part of a port subclasses one of these and overrides what
it supports. Each base implements its whole port, so a member added to the port
makes the base abstract, and the checks at the bottom fail under mypy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NoReturn

from codemill.domain.corpus import UnitRecord
from codemill.domain.dataset import Sample
from codemill.domain.manifest import Manifest
from codemill.domain.ports.corpus_repository import CorpusRepository, CorpusSink
from codemill.domain.ports.dataset_repository import DatasetBundle, DatasetRepository


class _Unsupported:
    def _unsupported(self, what: str) -> NoReturn:
        raise NotImplementedError(f"{type(self).__name__} does not {what}")


class UnsupportedDatasets(_Unsupported, DatasetRepository):
    def publish(self, name: str, splits: Mapping[str, Sequence[Sample]], bundle: DatasetBundle) -> Manifest:
        self._unsupported("publish datasets")

    def names(self) -> list[str]:
        self._unsupported("list datasets")

    def manifest(self, name: str) -> Manifest:
        self._unsupported("read manifests")

    def stats(self, name: str) -> dict[str, Any]:
        self._unsupported("read stats")

    def card(self, name: str) -> str:
        self._unsupported("read cards")

    def samples(self, name: str, split: str, *, limit: int | None = None) -> Iterator[Sample]:
        self._unsupported("read samples")

    def local_copy(self, name: str) -> str:
        self._unsupported("make local copies")


class UnsupportedCorpora(_Unsupported, CorpusRepository):
    def create(self, name: str) -> CorpusSink:
        self._unsupported("write corpora")

    def names(self) -> list[str]:
        self._unsupported("list corpora")

    def manifest(self, name: str) -> Manifest:
        self._unsupported("read manifests")

    def stats(self, name: str) -> dict[str, Any]:
        self._unsupported("read stats")

    def iter_records(self, name: str, *, rejected: bool = False) -> Iterator[UnitRecord]:
        self._unsupported("read records")

    def read_artifact(self, name: str, path: str) -> bytes:
        self._unsupported("read artifacts")


_DATASETS_COMPLETE: type[DatasetRepository] = UnsupportedDatasets
_CORPORA_COMPLETE: type[CorpusRepository] = UnsupportedCorpora
