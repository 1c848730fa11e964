"""Ports: tokenizers trained on a dataset, or reused from a pretrained model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol


class TextTokenizer(Protocol):
    """A tokenizer the core can measure texts with and store beside a dataset."""

    name: str  # 'bpe-<vocab>' for a trained one, the hub name or path for a pretrained one
    vocab_size: int
    revision: str | None = None  # the hub commit a pretrained tokenizer was loaded at; None otherwise

    def lengths(self, texts: Sequence[str]) -> list[int]:
        """Number of tokens of each text, special tokens included, without truncation."""
        ...

    def files(self) -> dict[str, bytes]:
        """The tokenizer in the standard Hugging Face layout (tokenizer.json, tokenizer_config.json,
        special_tokens_map.json ...), so that `AutoTokenizer.from_pretrained(folder)` loads it."""
        ...


class TokenizerProvider(Protocol):
    """Contract: `train` learns a byte-level BPE from the texts (deterministic for the same
    input); `pretrained` loads by hub name or local path and raises InputError with one line,
    quickly and without hanging, when it cannot be loaded (offline, missing, not a tokenizer).
    `revision` (a commit or tag) pins a hub name, and is refused with a local path; a hub name
    without it loads unpinned, with one warning."""

    def train(self, texts: Iterable[str], *, vocab_size: int, min_frequency: int = 2) -> TextTokenizer: ...

    def pretrained(self, name_or_path: str, revision: str | None = None) -> TextTokenizer: ...
