"""ModelRunner over a loaded model folder: calibrated labels, multi-label sets, greedy generations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch

from codemill.domain.prediction import Prediction
from codemill.infrastructure.inference.calibrated_classifier import CalibratedClassifier, Calibration
from codemill.infrastructure.inference.length_buckets import length_buckets
from codemill.infrastructure.inference.model_folder import ModelFolder

_DIGITS = 6  # probabilities are rounded: the answer stays short, the sum within 1e-5 of 1
WARM_UP_CODE = (
    "def add(a, b):\n    return a + b\n",
    "class Stack:\n    def __init__(self):\n        self.items = []\n\n    def push(self, item):\n"
    "        self.items.append(item)\n",
    'func main() {\n\tfmt.Println("hello")\n}\n',
    "public static int max(int a, int b) { return a > b ? a : b; }\n",
)
Inputs = dict[str, torch.Tensor]


class HfModelRunner:
    """Answers a batch of code, run as forward passes over inputs of similar length.

    Single-label: softmax of logits / temperature, the label chosen as the
    calibration says (argmax, or a binary threshold); multi-label: each
    label's sigmoid, labels at or over `threshold`; seq2seq: greedy decoding
    of up to `max_new_tokens` tokens. The batch is tokenized once, then
    grouped by length (see `length_buckets`), so that padding stays small.
    """

    def __init__(
        self,
        loaded: ModelFolder,
        *,
        calibration: Calibration,
        threshold: float = 0.5,
        max_new_tokens: int = 64,
    ) -> None:
        self.kind = loaded.kind
        self._loaded = loaded
        self._classifier = (
            CalibratedClassifier(loaded, calibration) if loaded.kind == "single_label" else None
        )
        self._temperature = calibration.temperature
        self._threshold = threshold
        self._max_new_tokens = max_new_tokens
        pad = loaded.tokenizer.pad_token_id
        self._pad_id = int(pad if pad is not None else loaded.model.config.pad_token_id or 0)

    def predict(self, codes: Sequence[str]) -> list[Prediction]:
        if not codes:
            return []
        if self.kind == "seq2seq":
            return [Prediction(text=text) for text in self._generate(codes)]
        logits = self._logits(codes)
        names = self._loaded.label_names
        if self._classifier is None:
            return [self._labels(names, row) for row in torch.sigmoid(logits).tolist()]
        rows = torch.softmax(logits / self._temperature, dim=-1).tolist()
        return [
            Prediction(label=self._classifier.label_for(row), probabilities=_by_name(names, row))
            for row in rows
        ]

    def warm_up(self, batch_sizes: Sequence[int]) -> None:
        for size in batch_sizes:
            self.predict([WARM_UP_CODE[index % len(WARM_UP_CODE)] for index in range(size)])

    def _logits(self, codes: Sequence[str]) -> torch.Tensor:
        rows: list[torch.Tensor] = [torch.empty(0)] * len(codes)
        with torch.inference_mode():
            for group, inputs in self._groups(codes):
                logits = self._loaded.model(**inputs).logits.float().cpu()
                for index, row in zip(group, logits, strict=True):
                    rows[index] = row
        return torch.stack(rows)

    def _generate(self, codes: Sequence[str]) -> list[str]:
        texts = [""] * len(codes)
        decode = self._loaded.tokenizer.batch_decode
        with torch.inference_mode():
            for group, inputs in self._groups(codes):
                ids = self._loaded.model.generate(  # type: ignore[operator]
                    **inputs, max_new_tokens=self._max_new_tokens, do_sample=False, num_beams=1
                )
                for index, text in zip(group, decode(ids, skip_special_tokens=True), strict=True):
                    texts[index] = text.strip()
        return texts

    def _groups(self, codes: Sequence[str]) -> Iterator[tuple[list[int], Inputs]]:
        loaded = self._loaded
        encoded = loaded.tokenizer(list(codes), truncation=True, max_length=loaded.max_input_length)
        rows: list[list[int]] = encoded["input_ids"]
        for group in length_buckets([len(ids) for ids in rows]):
            yield group, self._padded([rows[index] for index in group])

    def _padded(self, rows: list[list[int]]) -> Inputs:
        ids = torch.full((len(rows), max(map(len, rows))), self._pad_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for line, row in enumerate(rows):
            ids[line, : len(row)] = torch.tensor(row, dtype=torch.long)
            mask[line, : len(row)] = 1
        device = self._loaded.device
        return {"input_ids": ids.to(device), "attention_mask": mask.to(device)}

    def _labels(self, names: Sequence[str], row: Sequence[float]) -> Prediction:
        chosen = tuple(name for name, p in zip(names, row, strict=True) if p >= self._threshold)
        return Prediction(labels=chosen, probabilities=_by_name(names, row))


def _by_name(names: Sequence[str], row: Sequence[float]) -> dict[str, float]:
    return {name: round(float(p), _DIGITS) for name, p in zip(names, row, strict=True)}
