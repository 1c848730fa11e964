"""Port: a model folder exported to another runtime, and the logits of both on the same inputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from codemill.domain.export import Quantization


@dataclass(frozen=True, kw_only=True)
class ExportedFolder:
    """A local folder holding the exported model, ready to publish."""

    folder: str
    files: Mapping[str, str]  # '/'-separated relative path -> local path, the graph included
    kind: str  # 'single_label', 'multi_label' or 'seq2seq'
    label_names: tuple[str, ...]
    opset: int
    graphs: tuple[str, ...]  # the relative paths of the ONNX graphs (one for a classifier, three for seq2seq)
    tool_versions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class LogitPairs:
    """The source model's and the exported model's logits, one row per input, in input order."""

    source: list[list[float]]
    exported: list[list[float]]


@dataclass(frozen=True, kw_only=True)
class GenerationPairs:
    """Greedy generations of the source and of the exported graphs, with each one's first-step logits."""

    source: list[str]
    exported: list[str]
    source_first_logits: list[list[float]]
    exported_first_logits: list[list[float]]


class ModelExporter(Protocol):
    """Exports model folders (config, safetensors weights, tokenizer) to ONNX.

    Contract: `export` writes into `target_folder` the graphs, quantized
    when asked, with the source's config and tokenizer files and never a
    pickle or the source's weights: a classifier is one graph (inputs
    `input_ids`, `attention_mask`; output `logits`; batch and sequence
    dynamic), an encoder-decoder three (encoder, first decoding step,
    decoding step with past key/values). A model it cannot export raises
    InputError with one line. `compare` runs the same tokenized batches
    through the source classifier and the exported graph on the CPU;
    `generate` decodes greedily with both, at most `max_new_tokens` each.
    """

    def export(
        self, source_folder: str, target_folder: str, *, quantization: Quantization, opset: int
    ) -> ExportedFolder: ...

    def compare(self, source_folder: str, exported: ExportedFolder, texts: Sequence[str]) -> LogitPairs: ...

    def generate(
        self, source_folder: str, exported: ExportedFolder, texts: Sequence[str], *, max_new_tokens: int
    ) -> GenerationPairs: ...
