"""ModelRunner over an exported ONNX folder: calibrated labels, multi-label sets, greedy generations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from codemill.domain.prediction import Prediction
from codemill.infrastructure.export.onnx_files import export_record
from codemill.infrastructure.export.torch_onnx_model_exporter import INPUTS, onnx_session
from codemill.infrastructure.inference.calibrated_classifier import Calibration

_DIGITS = 6
WARM_UP_CODE = ("def add(a, b):\n    return a + b\n", 'func main() {\n\tfmt.Println("hello")\n}\n')


class OnnxModelRunner:
    """Answers a batch of code with ONNX Runtime on the CPU, as HfModelRunner does with PyTorch.

    Single-label: softmax(logits / temperature), argmax or the binary
    threshold of the calibration; multi-label: sigmoids at or over
    `threshold`; seq2seq: greedy decoding with the cached decoder graphs.
    """

    def __init__(
        self,
        folder: str,
        *,
        calibration: Calibration,
        threads: int = 0,
        threshold: float = 0.5,
        max_new_tokens: int = 64,
    ) -> None:
        from transformers import AutoConfig, AutoTokenizer

        record = export_record(folder)
        graphs = [str(name) for name in record.get("graphs", [])]
        self.kind = str(record.get("kind", "single_label"))
        self._config = AutoConfig.from_pretrained(folder, local_files_only=True, trust_remote_code=False)  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
        self._tokenizer = AutoTokenizer.from_pretrained(  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
            folder, local_files_only=True, trust_remote_code=False
        )
        self._calibration = calibration
        self._threshold = threshold
        self._max_new_tokens = max_new_tokens
        positions = int(getattr(self._config, "max_position_embeddings", 514) or 514)
        self._max_length = max(8, min(512, positions - 2))
        self._names = tuple(str(self._config.id2label[i]) for i in sorted(self._config.id2label))

        def session(path: str) -> Any:
            return onnx_session(path, threads=threads)

        if self.kind == "seq2seq":
            from codemill.infrastructure.export.seq2seq_export import OnnxGreedyDecoder

            self._decoder = OnnxGreedyDecoder(Path(folder), self._config, session)
            self._max_length = 512
        else:
            self._session = session(str(Path(folder) / graphs[0]))

    def predict(self, codes: Sequence[str]) -> list[Prediction]:
        if not codes:
            return []
        encoded = self._tokenizer(
            list(codes), truncation=True, max_length=self._max_length, padding=True, return_tensors="np"
        )
        feeds = {name: encoded[name].astype("int64") for name in INPUTS}
        if self.kind == "seq2seq":
            ids, _ = self._decoder.generate(feeds["input_ids"], feeds["attention_mask"], self._max_new_tokens)
            texts = self._tokenizer.batch_decode(ids, skip_special_tokens=True)
            return [Prediction(text=text.strip()) for text in texts]
        logits = self._session.run(["logits"], feeds)[0].astype("float64")
        if self.kind == "multi_label":
            rows = (1.0 / (1.0 + np.exp(-logits))).tolist()
            return [
                Prediction(
                    labels=tuple(n for n, p in zip(self._names, row, strict=True) if p >= self._threshold),
                    probabilities=self._by_name(row),
                )
                for row in rows
            ]
        scaled = logits / self._calibration.temperature
        exp = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
        rows = (exp / exp.sum(axis=-1, keepdims=True)).tolist()
        return [Prediction(label=self._label_for(row), probabilities=self._by_name(row)) for row in rows]

    def warm_up(self, batch_sizes: Sequence[int]) -> None:
        for size in batch_sizes:
            self.predict([WARM_UP_CODE[index % len(WARM_UP_CODE)] for index in range(size)])

    def _label_for(self, row: Sequence[float]) -> str:
        threshold = self._calibration.threshold
        if threshold is not None and len(self._names) == 2:
            return self._names[1] if row[1] >= threshold else self._names[0]
        return self._names[max(range(len(row)), key=row.__getitem__)]

    def _by_name(self, row: Sequence[float]) -> dict[str, float]:
        return {name: round(float(p), _DIGITS) for name, p in zip(self._names, row, strict=True)}
