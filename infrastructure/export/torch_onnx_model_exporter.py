"""ModelExporter with torch.onnx (the TorchScript exporter) and ONNX Runtime (parity, int8)."""

from __future__ import annotations

import logging
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codemill.domain.errors import InputError, first_line
from codemill.domain.export import Quantization
from codemill.domain.ports.model_exporter import ExportedFolder, GenerationPairs, LogitPairs
from codemill.infrastructure.versions import package_version

GRAPH = "model.onnx"
INPUTS = ("input_ids", "attention_mask")
COMPANIONS = (  # config, labels and tokenizer files: what a runtime needs beside the graph
    "config.json",
    "generation_config.json",
    "label_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "vocab.txt",
    "merges.txt",
    "spiece.model",
)
_BATCH = 16


class TorchOnnxModelExporter:
    """ModelExporter (see the port) for sequence classifiers and encoder-decoders.

    - An encoder-decoder becomes three graphs (see seq2seq_export): the
      encoder, the first decoding step (which returns every layer's cache)
      and the step with past key/values, so greedy decoding never
      recomputes the prefix.
    - A classifier is traced with eager attention (not PyTorch's fused
      scaled_dot_product_attention), whose plain operators run faster in
      ONNX Runtime.
    - The graphs are traced by `torch.onnx.export(..., dynamo=False)`: for
      these small encoders it exports in about a second into one file,
      where the dynamo exporter takes several and splits off the weights.
    - int8 is ONNX Runtime's dynamic quantization of the fp32 graph
      (weights int8, activations quantized on the fly), which needs no
      calibration data; the fp32 graph is then dropped.
    - The source is loaded from safetensors only; the folder written holds
      the graph, config.json and the tokenizer files: no weights, no pickle.
    """

    def export(
        self, source_folder: str, target_folder: str, *, quantization: Quantization, opset: int
    ) -> ExportedFolder:
        from codemill.infrastructure.export.seq2seq_export import export_seq2seq

        loaded = _open(source_folder)
        target = Path(target_folder)
        target.mkdir(parents=True, exist_ok=True)
        try:
            graphs = (
                export_seq2seq(loaded, target, opset)
                if loaded.kind == "seq2seq"
                else [_classifier(loaded, target, opset)]
            )
        except Exception as exc:  # the exporter raises many types for one cause: an unsupported operator
            raise InputError(f"torch.onnx cannot export {source_folder}: {first_line(exc)}") from None
        if quantization == "int8":
            graphs = [_quantize(graph) for graph in graphs]
        _copy_companions(Path(source_folder), target)
        files = {p.name: str(p) for p in sorted(target.iterdir()) if p.is_file()}
        return ExportedFolder(
            folder=str(target),
            files=files,
            kind=loaded.kind,
            label_names=loaded.label_names,
            opset=opset,
            graphs=tuple(graph.name for graph in graphs),
            tool_versions={
                tool: package_version(tool) for tool in ("torch", "transformers", "onnx", "onnxruntime")
            },
        )

    def compare(self, source_folder: str, exported: ExportedFolder, texts: Sequence[str]) -> LogitPairs:
        loaded = _open(source_folder)
        session = onnx_session(str(Path(exported.folder) / exported.graphs[0]))
        source: list[list[float]] = []
        onnx_rows: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            batch = loaded.encode(texts[start : start + _BATCH])
            source += loaded.logits(texts[start : start + _BATCH]).tolist()
            feeds = {name: batch[name].cpu().numpy() for name in INPUTS}
            onnx_rows += session.run(["logits"], feeds)[0].astype("float64").tolist()
        return LogitPairs(source=source, exported=onnx_rows)

    def generate(
        self, source_folder: str, exported: ExportedFolder, texts: Sequence[str], *, max_new_tokens: int
    ) -> GenerationPairs:
        import torch

        from codemill.infrastructure.export.seq2seq_export import OnnxGreedyDecoder

        loaded = _open(source_folder)
        decoder = OnnxGreedyDecoder(Path(exported.folder), loaded.model.config, onnx_session)
        start_id = int(loaded.model.config.decoder_start_token_id or 0)
        pairs = GenerationPairs(source=[], exported=[], source_first_logits=[], exported_first_logits=[])
        for start in range(0, len(texts), _BATCH):
            chunk = list(texts[start : start + _BATCH])
            batch = loaded.encode(chunk)
            pairs.source.extend(loaded.generate(chunk, max_new_tokens=max_new_tokens))
            with torch.inference_mode():
                first = torch.full((len(chunk), 1), start_id, dtype=torch.long)
                logits = loaded.model(**batch, decoder_input_ids=first).logits[:, -1]
            pairs.source_first_logits.extend(logits.float().tolist())
            ids, first_logits = decoder.generate(
                batch["input_ids"].numpy(), batch["attention_mask"].numpy(), max_new_tokens
            )
            decoded = loaded.tokenizer.batch_decode(ids, skip_special_tokens=True)
            pairs.exported.extend(text.strip() for text in decoded)
            pairs.exported_first_logits.extend(first_logits.astype("float64").tolist())
        return pairs


def onnx_session(path: str, *, threads: int = 0) -> Any:
    """An ONNX Runtime session on the CPU (`threads` 0: the runtime's default)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


def _open(folder: str) -> Any:
    from codemill.infrastructure.inference.model_folder import open_model_folder

    return open_model_folder(folder, allow_pickle=False, device="cpu")


def _classifier(loaded: Any, target: Path, opset: int) -> Path:
    import torch

    from codemill.infrastructure.export.logits_module import LogitsOnly

    graph = target / GRAPH
    _eager_attention(loaded.model)
    sample = loaded.encode(["def f(x):\n    return x\n", "x = 1"])
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS} | {"logits": {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on shape arithmetic, not problems
        torch.onnx.export(
            LogitsOnly(loaded.model).eval(),
            tuple(sample[name] for name in INPUTS),
            str(graph),
            input_names=list(INPUTS),
            output_names=["logits"],
            dynamic_axes=axes,
            opset_version=opset,
            dynamo=False,
        )
    return graph


def _eager_attention(model: Any) -> None:
    """Attention as plain matmuls and softmax: traced so, the int8 graph of the `small` preset runs
    about 8% faster at batch 1 than traced from scaled_dot_product_attention (docs/commands/export.md)."""
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")


def _quantize(graph: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = graph.with_name(graph.stem + "-fp32.onnx")
    graph.rename(fp32)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer advises pre-processing on the root logger, every call
    try:
        quantize_dynamic(str(fp32), str(graph), weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    fp32.unlink()
    return graph


def _copy_companions(source: Path, target: Path) -> None:
    """The config, label and tokenizer files of the source (COMPANIONS), as they are."""
    for name in COMPANIONS:
        if (source / name).is_file():
            shutil.copyfile(source / name, target / name)
