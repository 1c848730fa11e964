"""LoadedModel on a transformers model folder: summary, consistency, smoke run, speed, predictions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from codemill.domain.errors import InputError
from codemill.domain.model_speed import SpeedFigures
from codemill.domain.validation import SplitPredictions
from codemill.infrastructure.inference.model_folder import ModelFolder
from codemill.infrastructure.inference.speed import measure_speed
from codemill.infrastructure.validation.split_rows import split_rows

_PREDICT_BATCH = 32
_SMOKE_TOKENS = 8


class HfLoadedModel:
    """LoadedModel (see the port) over a ModelFolder."""

    def __init__(self, loaded: ModelFolder, *, generation_tokens: int = 64) -> None:
        self._loaded = loaded
        self._generation_tokens = generation_tokens
        self.kind = loaded.kind
        self.label_names = loaded.label_names

    def summary(self) -> dict[str, Any]:
        model, config = self._loaded.model, self._loaded.model.config
        layers = getattr(config, "num_hidden_layers", None) or getattr(config, "num_layers", None)
        decoder_layers = getattr(config, "num_decoder_layers", None)
        return {
            "architecture": (list(config.architectures or []) or [type(model).__name__])[0],
            "kind": self.kind,
            "parameters": sum(p.numel() for p in model.parameters()),
            "layers": f"{layers}+{decoder_layers}" if decoder_layers else layers,
            "hidden_size": getattr(config, "hidden_size", None) or getattr(config, "d_model", None),
            "vocab_size": self._embedding_rows(),
            "tokenizer_size": len(self._loaded.tokenizer),
            "labels": list(self.label_names),
            "max_input_length": self._loaded.max_input_length,
            "device": str(self._loaded.device),
            "dtype": str(next(model.parameters()).dtype).removeprefix("torch."),
        }

    def consistency_problems(self) -> list[str]:
        problems = []
        tokens, rows = len(self._loaded.tokenizer), self._embedding_rows()
        if tokens > rows:
            problems.append(
                f"the tokenizer has {tokens} tokens but the embedding matrix only {rows} rows: "
                "the tokenizer does not belong to this model"
            )
        if self.kind != "seq2seq":
            problems += self._label_problems()
        return problems

    def smoke(self, texts: Sequence[str]) -> dict[str, Any]:
        if self.kind == "seq2seq":
            return self._smoke_generation(texts)
        logits = self._loaded.logits(texts)
        expected = (len(texts), len(self.label_names))
        if tuple(logits.shape) != expected:
            raise InputError(f"the logits have shape {tuple(logits.shape)}, expected {expected}")
        if not torch.isfinite(logits).all():
            raise InputError("the logits hold NaN or infinite values")
        return {"inputs": len(texts), "output_shape": list(logits.shape)}

    def speed(self, texts: Sequence[str], *, batch_size: int) -> SpeedFigures:
        singles = [self._loaded.encode([text]) for text in texts]
        batch = self._loaded.encode([texts[i % len(texts)] for i in range(batch_size)])
        tokens = _SMOKE_TOKENS if self.kind == "seq2seq" else None
        return measure_speed(self._loaded.model, singles, batch=batch, generate_tokens=tokens)

    def predict(self, dataset_dir: str, split: str, *, limit: int | None = None) -> SplitPredictions:
        rows = split_rows(dataset_dir, split, limit)
        texts = list(rows["text"])
        if self.kind == "seq2seq":
            languages = list(rows["language"]) if "language" in rows.column_names else []
            return self._predict_texts(split, texts, _column(rows, "target"), languages)
        logits: list[list[float]] = []
        for start in range(0, len(texts), _PREDICT_BATCH):
            logits += self._loaded.logits(texts[start : start + _PREDICT_BATCH]).tolist()
        if self.kind == "multi_label":
            width = len(self.label_names)
            truth = [[int(i in set(row)) for i in range(width)] for row in _column(rows, "labels")]
            return SplitPredictions(kind=self.kind, split=split, logits=logits, label_rows=truth)
        return SplitPredictions(kind=self.kind, split=split, logits=logits, labels=_column(rows, "label"))

    def _predict_texts(
        self, split: str, texts: list[str], references: list[Any], languages: list[Any]
    ) -> SplitPredictions:
        predictions: list[str] = []
        for start in range(0, len(texts), _PREDICT_BATCH):
            chunk = texts[start : start + _PREDICT_BATCH]
            predictions += self._loaded.generate(chunk, max_new_tokens=self._generation_tokens)
        return SplitPredictions(
            kind=self.kind,
            split=split,
            references=[str(r or "") for r in references],
            predictions=predictions,
            languages=[str(language or "") for language in languages],
        )

    def _smoke_generation(self, texts: Sequence[str]) -> dict[str, Any]:
        inputs = self._loaded.encode(texts)
        start = self._loaded.model.config.decoder_start_token_id or 0
        with torch.inference_mode():
            decoder = torch.full((len(texts), 1), int(start), dtype=torch.long, device=self._loaded.device)
            logits = self._loaded.model(**inputs, decoder_input_ids=decoder).logits
        if not torch.isfinite(logits).all():
            raise InputError("the decoder logits hold NaN or infinite values")
        generated = self._loaded.generate(texts, max_new_tokens=_SMOKE_TOKENS)
        empty = sum(not text for text in generated)
        if empty == len(generated):
            raise InputError(f"generation returned empty text for all {len(texts)} inputs")
        return {"inputs": len(texts), "empty_generations": empty, "example": generated[0][:80]}

    def _embedding_rows(self) -> int:
        embeddings = self._loaded.model.get_input_embeddings()
        return int(embeddings.weight.shape[0]) if isinstance(embeddings, nn.Embedding) else 0

    def _label_problems(self) -> list[str]:
        config = self._loaded.model.config
        problems = []
        outputs = [m.out_features for m in self._loaded.model.modules() if isinstance(m, nn.Linear)]
        if outputs and outputs[-1] != len(self.label_names):
            problems.append(
                f"the label map names {len(self.label_names)} classes but the head has {outputs[-1]} outputs"
            )
        if config.num_labels != len(self.label_names):
            problems.append(f"config.json: num_labels {config.num_labels} but {len(self.label_names)} labels")
        stored = Path(self._loaded.folder) / "label_map.json"
        if stored.is_file():
            names = json.loads(stored.read_text(encoding="utf-8")).get("labels", [])
            if [str(n) for n in names] != list(self.label_names):
                problems.append(f"label_map.json lists {names} but config.json {list(self.label_names)}")
        return problems


def _column(rows: Any, name: str) -> list[Any]:
    if name not in rows.column_names:
        raise InputError(f"the dataset has no {name!r} column (columns: {', '.join(rows.column_names)})")
    return list(rows[name])
