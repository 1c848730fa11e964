"""Hand-written fakes of the dataset step's ports."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, final

from codemill.domain.calibration import ReliabilityBin
from codemill.domain.corpus import UnitRecord
from codemill.domain.dataset import Sample
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.manifest import Manifest
from codemill.domain.ports.code_structure import CodeStructure, Span
from codemill.domain.ports.dataset_repository import DatasetBundle
from codemill.domain.ports.plotter import Plotter
from codemill.domain.ports.tabular_reader import TabularReader
from codemill.domain.ports.tokenizers import TextTokenizer, TokenizerProvider
from tests.fakes.unsupported import UnsupportedCorpora, UnsupportedDatasets


@final
class WhitespaceTokenizer(TextTokenizer):
    def __init__(self, name: str, vocab_size: int) -> None:
        self.name, self.vocab_size = name, vocab_size
        self.trained_on: list[str] = []

    def lengths(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) + 2 for t in texts]

    def files(self) -> dict[str, bytes]:
        return {"tokenizer.json": b"{}"}


@final
class FakeTokenizers(TokenizerProvider):
    def __init__(self) -> None:
        self.trained: list[WhitespaceTokenizer] = []

    def train(self, texts: Iterable[str], *, vocab_size: int, min_frequency: int = 2) -> WhitespaceTokenizer:
        tokenizer = WhitespaceTokenizer(f"bpe-{vocab_size}", vocab_size)
        tokenizer.trained_on = list(texts)
        self.trained.append(tokenizer)
        return tokenizer

    def pretrained(self, name_or_path: str, revision: str | None = None) -> WhitespaceTokenizer:
        if name_or_path == "missing":
            raise InputError("cannot load tokenizer 'missing'")
        tokenizer = WhitespaceTokenizer(name_or_path, 30522)
        tokenizer.revision = None if revision is None else f"commit-of-{revision}"
        return tokenizer


@final
class MemoryDatasets(UnsupportedDatasets):
    def __init__(self) -> None:
        self.published: dict[str, tuple[dict[str, list[Sample]], DatasetBundle]] = {}

    def publish(self, name: str, splits: Mapping[str, Sequence[Sample]], bundle: DatasetBundle) -> Manifest:
        self.published[name] = ({k: list(v) for k, v in splits.items()}, bundle)
        return Manifest(kind="dataset", entries=(), created_at="now", config_hash=bundle.config_hash)


@final
class PngPlotter(Plotter):
    def histogram(self, values: Sequence[int], *, title: str, xlabel: str, limit: int | None = None) -> bytes:
        return b"\x89PNG" + str(len(values)).encode()

    def reliability_diagram(self, series: dict[str, Sequence[ReliabilityBin]], *, title: str) -> bytes:
        raise NotImplementedError("PngPlotter does not draw reliability diagrams")

    def overlaid_histograms(self, series: Mapping[str, Sequence[float]], *, title: str, xlabel: str) -> bytes:
        raise NotImplementedError("PngPlotter does not draw distribution comparisons")

    def grouped_bars(self, series: Mapping[str, Mapping[str, float]], *, title: str, ylabel: str) -> bytes:
        raise NotImplementedError("PngPlotter does not draw distribution comparisons")


@final
class FakeCorpora(UnsupportedCorpora):
    def __init__(self, corpora: Mapping[str, list[UnitRecord]], stats: Mapping[str, dict[str, Any]]) -> None:
        self.corpora, self._stats = dict(corpora), dict(stats)
        self.readings: Counter[str] = Counter()  # iter_records calls per corpus

    def manifest(self, name: str) -> Manifest:
        if name not in self.corpora:
            raise ArtifactNotFoundError(f"corpus {name!r} does not exist or was never completed")
        return Manifest(kind="corpus", entries=(), created_at="then", config_hash=name)

    def iter_records(self, name: str, *, rejected: bool = False) -> Iterator[UnitRecord]:
        self.manifest(name)
        self.readings[name] += 1
        return iter(self.corpora[name])

    def stats(self, name: str) -> dict[str, Any]:
        return self._stats.get(name, {})


@final
class RowsReader(TabularReader):
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows_ = rows

    def columns(self, location: str) -> list[str]:
        return sorted(self.rows_[0]) if self.rows_ else []

    def rows(self, location: str, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
        return ({c: r[c] for c in columns} for r in self.rows_)

    def fingerprint(self, location: str) -> str:
        return "f" * 64


@final
class RegexCodeStructure(CodeStructure):
    """Line-based stand-in for the tree-sitter adapter: one assertion per line, simple bodies.

    Assertions: a line starting with `assert`, `self.assert*(`, `self.fail*(` or (Java) `assert*(`,
    `Assert.`/`Assertions.` (span: the stripped line), or `with pytest.raises(...):` /
    `with self.assert*(...):` (span: up to the colon). Body: Python, the lines after the `def`
    line and an optional one-line docstring; braces, what lies between the first `{` and the last `}`.
    """

    _ASSERTION = re.compile(
        r"^[ \t]*((?:assert\b|self\.(?:assert|fail)|assert\w*\(|Assertions?\.)[^\n]*)", re.M
    )
    _CONTEXT = re.compile(r"^[ \t]*(with (?:pytest\.raises|self\.assert)[^\n]*:)[ \t]*$", re.M)
    _DOCSTRING = re.compile(r'[ \t]*"""[^\n]*"""[ \t]*\n')

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def assertions(self, code: str, language: str) -> list[Span]:
        self.calls.append(("assertions", language))
        if language not in {"python", "java"}:
            return []
        found = [m.span(1) for m in self._ASSERTION.finditer(code)]
        found += [m.span(1) for m in self._CONTEXT.finditer(code)]
        return sorted(found)

    def body(self, code: str, language: str) -> Span | None:
        self.calls.append(("body", language))
        if language == "python":
            header = re.search(r"\):[ \t]*\n", code)
            if header is None:
                return None
            start = header.end()
            docstring = self._DOCSTRING.match(code, start)
            start = docstring.end() if docstring else start
            start += len(code[start:]) - len(code[start:].lstrip())
            return start, max(start, len(code.rstrip()))
        first, last = code.find("{"), code.rfind("}")
        if first < 0 or last < first:
            return None
        inner = code[first + 1 : last]
        start = first + 1 + len(inner) - len(inner.lstrip())
        return start, max(start, first + 1 + len(inner.rstrip()))
