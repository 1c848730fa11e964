"""LoadedModel over an exported ONNX encoder-decoder: three graphs, greedy decoding in ONNX Runtime."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from codemill.domain.errors import InputError
from codemill.domain.model_speed import SpeedFigures
from codemill.domain.validation import SplitPredictions
from codemill.infrastructure.export.onnx_files import export_record
from codemill.infrastructure.export.seq2seq_export import ENCODER, FIRST_STEP, OnnxGreedyDecoder
from codemill.infrastructure.export.torch_onnx_model_exporter import INPUTS, onnx_session
from codemill.infrastructure.validation.onnx_speed import onnx_speed
from codemill.infrastructure.validation.split_rows import split_rows

_BATCH = 32
_SMOKE_TOKENS = 8  # as HfLoadedModel: smoke runs and timings generate this many tokens


class OnnxSeq2SeqLoadedModel:
    """LoadedModel (see the port) for an encoder-decoder exported by `codemill export`.

    Generation is greedy with the cached decoder graphs, up to
    `generation_tokens` new tokens; timings generate exactly 8 tokens per
    input (end of sequence held back), as the PyTorch side's do. Parameters
    are those of the encoder and first-step graphs (the step graph repeats
    the decoder's weights).
    """

    kind = "seq2seq"
    label_names: tuple[str, ...] = ()

    def __init__(self, folder: str, *, generation_tokens: int = 64) -> None:
        from transformers import AutoConfig, AutoTokenizer

        self._folder = Path(folder)
        self._record = export_record(folder)
        self._config = AutoConfig.from_pretrained(folder, local_files_only=True, trust_remote_code=False)  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
        self._tokenizer = AutoTokenizer.from_pretrained(  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
            folder, local_files_only=True, trust_remote_code=False
        )
        self._decoder = OnnxGreedyDecoder(self._folder, self._config, onnx_session)
        self._tokens = generation_tokens
        length = getattr(self._tokenizer, "model_max_length", 512)
        self._max_length = int(length) if isinstance(length, int) and 0 < length <= 4096 else 512

    def summary(self) -> dict[str, Any]:
        config = self._config
        layers, decoder_layers = config.num_layers, getattr(config, "num_decoder_layers", None)
        return {
            "architecture": "onnx:" + (list(config.architectures or []) or ["?"])[0],
            "kind": self.kind,
            "parameters": self._parameters(),
            "layers": f"{layers}+{decoder_layers or layers}",
            "hidden_size": getattr(config, "d_model", None),
            "vocab_size": config.vocab_size,
            "tokenizer_size": len(self._tokenizer),
            "labels": [],
            "max_input_length": self._max_length,
            "device": "cpu",
            "dtype": "int8" if self._record.get("quantization") == "int8" else "float32",
            "opset": self._record.get("opset"),
        }

    def consistency_problems(self) -> list[str]:
        tokens, rows = len(self._tokenizer), int(self._config.vocab_size)
        if tokens > rows:
            return [
                f"the tokenizer has {tokens} tokens but config.json a vocabulary of {rows}: "
                "the tokenizer does not belong to this model"
            ]
        return []

    def smoke(self, texts: Sequence[str]) -> dict[str, Any]:
        ids, first_logits = self._decoder.generate(*self._feeds(texts), _SMOKE_TOKENS)
        if not np.isfinite(first_logits).all():
            raise InputError("the decoder logits hold NaN or infinite values")
        generated = self._decode(ids)
        empty = sum(not text for text in generated)
        if empty == len(generated):
            raise InputError(f"generation returned empty text for all {len(texts)} inputs")
        return {"inputs": len(texts), "empty_generations": empty, "example": generated[0][:80]}

    def speed(self, texts: Sequence[str], *, batch_size: int) -> SpeedFigures:
        singles = [self._feeds([text]) for text in texts]
        batch = self._feeds([texts[i % len(texts)] for i in range(batch_size)])

        def run(feeds: tuple[np.ndarray, np.ndarray]) -> None:
            self._decoder.generate(*feeds, _SMOKE_TOKENS, min_new_tokens=_SMOKE_TOKENS)

        return onnx_speed(run, singles, batch, batch_size)

    def predict(self, dataset_dir: str, split: str, *, limit: int | None = None) -> SplitPredictions:
        rows = split_rows(dataset_dir, split, limit)
        if "target" not in rows.column_names:
            raise InputError(f"the dataset has no 'target' column (columns: {', '.join(rows.column_names)})")
        texts = list(rows["text"])
        predictions: list[str] = []
        for start in range(0, len(texts), _BATCH):
            ids, _ = self._decoder.generate(*self._feeds(texts[start : start + _BATCH]), self._tokens)
            predictions += self._decode(ids)
        languages = list(rows["language"]) if "language" in rows.column_names else []
        return SplitPredictions(
            kind=self.kind,
            split=split,
            references=[str(r or "") for r in rows["target"]],
            predictions=predictions,
            languages=[str(language or "") for language in languages],
        )

    def _parameters(self) -> int:
        import onnx

        total = 0
        for name in (ENCODER, FIRST_STEP):
            graph = onnx.load(str(self._folder / name), load_external_data=False)
            total += sum(int(np.prod(tensor.dims)) for tensor in graph.graph.initializer)
        return total

    def _feeds(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        encoded = self._tokenizer(
            list(texts), truncation=True, max_length=self._max_length, padding=True, return_tensors="np"
        )
        ids, mask = (encoded[name].astype("int64") for name in INPUTS)
        return ids, mask

    def _decode(self, ids: np.ndarray) -> list[str]:
        return [text.strip() for text in self._tokenizer.batch_decode(ids, skip_special_tokens=True)]
