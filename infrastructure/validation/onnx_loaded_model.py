"""LoadedModel over an exported ONNX classifier, run by ONNX Runtime on the CPU."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from codemill.domain.errors import InputError
from codemill.domain.model_speed import SpeedFigures
from codemill.domain.validation import SplitPredictions
from codemill.infrastructure.export.onnx_files import export_record
from codemill.infrastructure.export.torch_onnx_model_exporter import INPUTS, onnx_session
from codemill.infrastructure.validation.onnx_speed import onnx_speed
from codemill.infrastructure.validation.split_rows import split_rows

_BATCH = 32


class OnnxLoadedModel:
    """LoadedModel (see the port) for a classifier exported by `codemill export`: graph, config, tokenizer."""

    def __init__(self, folder: str) -> None:
        from transformers import AutoConfig, AutoTokenizer

        record = export_record(folder)
        if record.get("kind") == "seq2seq":
            raise InputError(f"{folder}: an ONNX encoder-decoder: load it with OnnxSeq2SeqLoadedModel")
        self._folder = Path(folder)
        self._record = record
        config = AutoConfig.from_pretrained(folder, local_files_only=True, trust_remote_code=False)  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
        self._config = config
        self._tokenizer = AutoTokenizer.from_pretrained(  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
            folder, local_files_only=True, trust_remote_code=False
        )
        self._session = onnx_session(str(self._folder / str(record["graphs"][0])))
        self.kind = str(record.get("kind", "single_label"))
        self.label_names = tuple(str(config.id2label[i]) for i in sorted(config.id2label))
        positions = int(getattr(config, "max_position_embeddings", 514) or 514)
        self._max_length = max(8, min(512, positions - 2))

    def summary(self) -> dict[str, Any]:
        return {
            "architecture": "onnx:" + (list(self._config.architectures or []) or ["?"])[0],
            "kind": self.kind,
            "parameters": self._parameters(),
            "layers": getattr(self._config, "num_hidden_layers", None),
            "hidden_size": getattr(self._config, "hidden_size", None),
            "vocab_size": getattr(self._config, "vocab_size", None),
            "tokenizer_size": len(self._tokenizer),
            "labels": list(self.label_names),
            "max_input_length": self._max_length,
            "device": "cpu",
            "dtype": "int8" if self._record.get("quantization") == "int8" else "float32",
            "opset": self._record.get("opset"),
        }

    def consistency_problems(self) -> list[str]:
        width = self._session.get_outputs()[0].shape[-1]
        if isinstance(width, int) and width != len(self.label_names):
            return [f"the graph has {width} outputs but config.json names {len(self.label_names)} labels"]
        return []

    def smoke(self, texts: Sequence[str]) -> dict[str, Any]:
        logits = self.logits(texts)
        expected = (len(texts), len(self.label_names))
        if logits.shape != expected:
            raise InputError(f"the logits have shape {logits.shape}, expected {expected}")
        if not np.isfinite(logits).all():
            raise InputError("the logits hold NaN or infinite values")
        return {"inputs": len(texts), "output_shape": list(logits.shape)}

    def speed(self, texts: Sequence[str], *, batch_size: int) -> SpeedFigures:
        singles = [self._feeds([text]) for text in texts]
        batch = self._feeds([texts[i % len(texts)] for i in range(batch_size)])
        return onnx_speed(lambda feeds: self._session.run(None, feeds), singles, batch, batch_size)

    def predict(self, dataset_dir: str, split: str, *, limit: int | None = None) -> SplitPredictions:
        rows = split_rows(dataset_dir, split, limit)
        if self.kind != "single_label" or "label" not in rows.column_names:
            raise InputError(
                "ONNX models are validated on single-label classification datasets only, for now"
            )
        texts = list(rows["text"])
        logits: list[list[float]] = []
        for start in range(0, len(texts), _BATCH):
            logits += self.logits(texts[start : start + _BATCH]).astype("float64").tolist()
        return SplitPredictions(kind=self.kind, split=split, logits=logits, labels=list(rows["label"]))

    def _parameters(self) -> int:
        import onnx

        graph = onnx.load(str(self._folder / str(self._record["graphs"][0])), load_external_data=False)
        return sum(int(np.prod(tensor.dims)) for tensor in graph.graph.initializer)

    def logits(self, texts: Sequence[str]) -> Any:
        return self._session.run(["logits"], self._feeds(texts))[0]

    def _feeds(self, texts: Sequence[str]) -> dict[str, Any]:
        encoded = self._tokenizer(
            list(texts), truncation=True, max_length=self._max_length, padding=True, return_tensors="np"
        )
        return {name: encoded[name].astype("int64") for name in INPUTS}
