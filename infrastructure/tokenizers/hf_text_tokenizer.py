"""A transformers tokenizer seen through the TextTokenizer port."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codemill.domain.errors import InputError

_BATCH = 1_000


class HfTextTokenizer:
    """TextTokenizer over a tokenizers-backed transformers tokenizer.

    Contract: `lengths` counts tokens with special tokens added and without
    truncation or padding, whatever the tokenizer's own settings, through the
    fast batch encoder, 1,000 texts at a time; `files` is what
    `save_pretrained` writes (tokenizer.json, tokenizer_config.json, ...).
    """

    def __init__(self, tokenizer: Any, *, name: str) -> None:
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is None:
            raise InputError(
                f"tokenizer {name!r} has no fast (tokenizers) backend; use one with tokenizer.json"
            )
        self.name = name
        self.vocab_size = len(tokenizer)
        self.revision: str | None = None  # the hub commit, set by whoever loaded it from the hub
        self._tokenizer = tokenizer
        self._measuring = _untruncated_copy(backend)

    @property
    def transformers_tokenizer(self) -> Any:
        return self._tokenizer

    def lengths(self, texts: Sequence[str]) -> list[int]:
        counts: list[int] = []
        for start in range(0, len(texts), _BATCH):
            batch = list(texts[start : start + _BATCH])
            encodings = self._measuring.encode_batch_fast(batch, add_special_tokens=True)
            counts.extend(len(encoding.ids) for encoding in encodings)
        return counts

    def files(self) -> dict[str, bytes]:
        with tempfile.TemporaryDirectory(prefix="codemill-tokenizer-") as folder:
            self._tokenizer.save_pretrained(folder)
            root = Path(folder)
            return {
                path.relative_to(root).as_posix(): path.read_bytes()
                for path in sorted(root.rglob("*"))
                if path.is_file()
            }


def _untruncated_copy(backend: Any) -> Any:
    """A copy of the backend that never truncates nor pads, leaving the original untouched."""
    from tokenizers import Tokenizer

    copy = Tokenizer.from_str(backend.to_str())
    copy.no_truncation()
    copy.no_padding()
    return copy
