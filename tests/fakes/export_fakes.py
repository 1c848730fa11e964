"""Fakes for ExportModel: an exporter with scripted logits, a fixed resolver, labelled test splits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import final

from codemill.domain.dataset import Sample
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.export import Quantization
from codemill.domain.ports.model_exporter import ExportedFolder, GenerationPairs, LogitPairs, ModelExporter
from codemill.domain.ports.model_resolver import ModelResolver, ResolvedModel
from tests.fakes.unsupported import UnsupportedDatasets

LABELS = ("go", "python")


def scores(text: str) -> list[float]:
    """The source model: 'python' when the text has 'def', else 'go', with logits of scale 4."""
    return [-4.0, 4.0] if "def" in text else [3.0, -3.0]


@final
class ScriptedExporter(ModelExporter):
    """Writes a tiny 'graph'; the exported logits are the source's plus `drift`, `flipped` for some texts."""

    def __init__(
        self,
        *,
        drift: float = 0.0,
        flip_word: str | None = None,
        refuse: str | None = None,
        kind: str = "single_label",
    ) -> None:
        self.kind = kind
        self.drift = drift
        self.flip_word = flip_word
        self.refuse = refuse
        self.exports: list[tuple[str, Quantization]] = []

    def export(
        self, source_folder: str, target_folder: str, *, quantization: Quantization, opset: int
    ) -> ExportedFolder:
        if self.refuse:
            raise InputError(self.refuse)
        self.exports.append((source_folder, quantization))
        target = Path(target_folder)
        (target / "model.onnx").write_bytes(b"graph-" + quantization.encode())
        (target / "config.json").write_text('{"model_type": "roberta"}', encoding="utf-8")
        files = {p.name: str(p) for p in sorted(target.iterdir())}
        return ExportedFolder(
            folder=target_folder,
            files=files,
            kind=self.kind,
            label_names=LABELS if self.kind != "seq2seq" else (),
            opset=opset,
            graphs=("model.onnx",),
            tool_versions={"onnx": "1.0"},
        )

    def compare(self, source_folder: str, exported: ExportedFolder, texts: Sequence[str]) -> LogitPairs:
        source = [scores(text) for text in texts]
        rows = []
        for text, row in zip(texts, source, strict=True):
            moved = [value + self.drift for value in row]
            rows.append(moved[::-1] if self.flip_word and self.flip_word in text else moved)
        return LogitPairs(source=source, exported=rows)

    def generate(
        self, source_folder: str, exported: ExportedFolder, texts: Sequence[str], *, max_new_tokens: int
    ) -> GenerationPairs:
        """The source 'generates' each text's first word; the export, for texts with `flip_word`, the last."""
        source = [text.split()[0] for text in texts]
        moved = [
            text.split()[-1] if self.flip_word and self.flip_word in text else word
            for text, word in zip(texts, source, strict=True)
        ]
        logits = [scores(text) for text in texts]
        return GenerationPairs(
            source=source,
            exported=moved,
            source_first_logits=logits,
            exported_first_logits=[[v + self.drift for v in row] for row in logits],
        )


@final
class FixedResolver(ModelResolver):
    """Resolves every reference to `model` (its reference replaced by the one asked for)."""

    def __init__(self, model: ResolvedModel) -> None:
        self.model = model

    def resolve(self, reference: str) -> ResolvedModel:
        return ResolvedModel(
            reference=reference,
            folder=self.model.folder,
            name=self.model.name,
            version=self.model.version,
            fingerprint=self.model.fingerprint,
            lineage=self.model.lineage,
            origin=self.model.origin,
        )

    def current_version(self, name: str, alias: str) -> int | None:
        return None


@final
class LabelledDatasets(UnsupportedDatasets):
    """Datasets as {name: {split: [(code, label), ...]}}."""

    def __init__(self, datasets: Mapping[str, Mapping[str, Sequence[tuple[str, str]]]]) -> None:
        self.datasets = {name: dict(splits) for name, splits in datasets.items()}

    def samples(self, name: str, split: str, *, limit: int | None = None) -> Iterator[Sample]:
        if name not in self.datasets:
            raise ArtifactNotFoundError(f"dataset {name!r} does not exist or was never completed")
        rows = list(self.datasets[name].get(split, ()))[:limit]
        return iter(Sample(id=str(i), text=text, label=label) for i, (text, label) in enumerate(rows))
