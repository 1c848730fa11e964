"""ExportModel: a model folder to ONNX, checked for parity on test samples, published under models/NAME/."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codemill.application.export.samples import (
    ParitySamples,
    known_targets,
    label_indices,
    lineage_dataset,
    parity_samples,
)
from codemill.application.publishing.artifacts import ArtifactWriter
from codemill.application.publishing.name_claims import NameClaims
from codemill.application.training.publication import manifest_sha256
from codemill.domain.errors import ArtifactNotFoundError, IntegrityError
from codemill.domain.export import (
    DEFAULT_MIN_RETENTION,
    DEFAULT_TOLERANCE,
    ParityFigures,
    Quantization,
    generation_parity,
    parity_failure,
    parity_figures,
)
from codemill.domain.manifest import Manifest
from codemill.domain.names import check_name
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.ports.dataset_repository import DatasetRepository
from codemill.domain.ports.model_exporter import ExportedFolder, ModelExporter
from codemill.domain.ports.model_lineage import ModelLineage
from codemill.domain.ports.model_resolver import ModelResolver, ResolvedModel

EXPORT_RECORD = "export.json"
MODEL_KIND = "model"  # what `models/NAME/` manifests say, so resolvers find exported models too
DEFAULT_OPSET = 17
GENERATION_TOKENS = 32  # greedy tokens per sample when an encoder-decoder's generations are compared


@dataclass(frozen=True, kw_only=True)
class ExportModelRequest:
    model: str  # registry:NAME@ALIAS, registry:NAME/VERSION, a model name in storage, a folder
    format: str = "onnx"
    quantization: Quantization = "none"
    name: str | None = None  # default: the source's name + '-onnx' or '-onnx-int8'
    dataset: str | None = None  # the dataset whose test split checks parity (default: the lineage's)
    tolerance: float = DEFAULT_TOLERANCE
    min_retention: float = DEFAULT_MIN_RETENTION
    opset: int = DEFAULT_OPSET
    overwrite: bool = False  # replace a published model of this name (recorded as replaced)


@dataclass(frozen=True, kw_only=True)
class ExportModelResult:
    name: str  # published under models/NAME/
    source: str  # the reference as given
    fingerprint: str  # of the source model
    quantization: Quantization
    opset: int
    samples: int
    sample_source: str
    parity: ParityFigures
    files: tuple[str, ...]
    graph_bytes: int
    manifest_sha256: str


class ExportModel:
    """Export a model to ONNX and publish it only when it behaves like its source.

    - The model is whatever the ModelResolver makes of the reference: a
      sequence classifier (one graph) or an encoder-decoder (three graphs).
    - Parity is checked on the test split of `dataset` or of the dataset
      the lineage names, else on built-in code snippets: fp32 needs
      max|diff| <= tolerance * max(1, max|logit|) and identical labels;
      int8 needs the quality metric (accuracy on labelled samples, else
      label agreement) to keep `min_retention` of the source's. For an
      encoder-decoder, labels are greedy generations (identical ones agree),
      logits those of the first decoding step, the metric token F1.
    - A failed check raises IntegrityError with the figures in one line and
      publishes nothing; a passing export replaces `models/NAME/`: the
      graph, config and tokenizer files and export.json (source reference
      and fingerprint, opset, quantization, parity figures), manifest last.
    - A published model of that name is replaced only with `overwrite`
      (refused before exporting otherwise); two exports of one name cannot
      publish at once.
    """

    def __init__(
        self,
        *,
        resolver: ModelResolver,
        lineage: ModelLineage,
        datasets: DatasetRepository,
        exporter: ModelExporter,
        store: ArtifactStore,
        workdir: str,
        claims: NameClaims,
    ) -> None:
        self._claims = claims
        self._resolver = resolver
        self._lineage = lineage
        self._datasets = datasets
        self._exporter = exporter
        self._store = store
        self._workdir = workdir

    def execute(self, request: ExportModelRequest) -> ExportModelResult:
        if request.format != "onnx":
            raise IntegrityError(f"export format {request.format!r} is not supported: use onnx")
        source = self._resolver.resolve(request.model)
        suffix = "-onnx-int8" if request.quantization == "int8" else "-onnx"
        name = check_name(request.name or f"{source.name}{suffix}", what="model")
        with self._claims.held(
            f"models/{name}", what=f"model '{name}'", overwrite=request.overwrite
        ) as claim:
            return self._export(request, source, name, claim.lineage())

    def _export(
        self, request: ExportModelRequest, source: ResolvedModel, name: str, lineage: dict[str, str]
    ) -> ExportModelResult:
        Path(self._workdir).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="export-", dir=self._workdir) as target:
            exported = self._exporter.export(
                source.folder, target, quantization=request.quantization, opset=request.opset
            )
            samples = parity_samples(self._datasets, request.dataset or self._dataset_of(source))
            figures = self._parity(source.folder, exported, samples)
            problem = parity_failure(
                figures,
                request.quantization,
                tolerance=request.tolerance,
                min_retention=request.min_retention,
            )
            if problem is not None:
                raise IntegrityError(f"export of {request.model!r} refused, nothing published: {problem}")
            record = {**_record(request, source, exported, figures, samples.source), **lineage}
            manifest = self._publish(name, exported, record)
        return ExportModelResult(
            name=name,
            source=request.model,
            fingerprint=source.fingerprint,
            quantization=request.quantization,
            opset=exported.opset,
            samples=figures.samples,
            sample_source=samples.source,
            parity=figures,
            files=tuple(e.path for e in manifest.entries),
            graph_bytes=sum(e.size for e in manifest.entries if e.path in exported.graphs),
            manifest_sha256=manifest_sha256(manifest),
        )

    def _parity(self, folder: str, exported: ExportedFolder, samples: ParitySamples) -> ParityFigures:
        if exported.kind == "seq2seq":
            texts = self._exporter.generate(folder, exported, samples.texts, max_new_tokens=GENERATION_TOKENS)
            return generation_parity(
                texts.source,
                texts.exported,
                (texts.source_first_logits, texts.exported_first_logits),
                known_targets(samples.targets),
            )
        pairs = self._exporter.compare(folder, exported, samples.texts)
        return parity_figures(
            pairs.source, pairs.exported, label_indices(samples.labels, exported.label_names)
        )

    def _dataset_of(self, source: ResolvedModel) -> str | None:
        if source.lineage:
            return lineage_dataset(source.lineage)
        if source.origin == "storage":
            try:
                return lineage_dataset(self._lineage.of_stored_model(source.name))
            except ArtifactNotFoundError:
                return None
        return None

    def _publish(self, name: str, exported: ExportedFolder, record: dict[str, Any]) -> Manifest:
        prefix = f"models/{name}/"
        self._store.delete_prefix(prefix)
        writer = ArtifactWriter(self._store, prefix, kind=MODEL_KIND)
        for path in sorted(exported.files):
            with open(exported.files[path], "rb") as stream:
                writer.write_stream(path, stream)
        writer.write(EXPORT_RECORD, json.dumps(record, indent=2, sort_keys=True) + "\n")
        return writer.publish(
            tool_versions=exported.tool_versions,
            metadata={
                "name": name,
                "format": "onnx",
                "quantization": record["quantization"],
                **({"replaces": record["replaces"]} if "replaces" in record else {}),
            },
        )


def _record(
    request: ExportModelRequest,
    source: ResolvedModel,
    exported: ExportedFolder,
    figures: ParityFigures,
    sample_source: str,
) -> dict[str, Any]:
    return {
        "format": "onnx",
        "graphs": list(exported.graphs),
        "opset": exported.opset,
        "quantization": request.quantization,
        "kind": exported.kind,
        "labels": list(exported.label_names),
        "source": {
            "reference": request.model,
            "name": source.name,
            "version": source.version,
            "origin": source.origin,
            "fingerprint": source.fingerprint,
        },
        "parity": {
            **figures.to_dict(),
            "samples_from": sample_source,
            "tolerance": request.tolerance,
            "min_retention": request.min_retention,
        },
        "exported_with": dict(exported.tool_versions),
    }
