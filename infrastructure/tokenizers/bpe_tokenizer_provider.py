"""TokenizerProvider: byte-level BPE trained here, or any tokenizer transformers can load."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from codemill.domain.errors import InputError
from codemill.infrastructure.tokenizers.byte_level_bpe import (
    BYTE_ALPHABET_SIZE,
    SPECIAL_TOKENS,
    train_byte_level_bpe,
)
from codemill.infrastructure.tokenizers.hf_text_tokenizer import HfTextTokenizer
from codemill.infrastructure.tokenizers.hub_access import (
    cached_commit,
    hub_endpoint,
    hub_offline,
    hub_reachable,
)

log = logging.getLogger("codemill.dataset")
_MIN_VOCAB = BYTE_ALPHABET_SIZE + len(SPECIAL_TOKENS)
_OFFLINE_HINT = "not a local folder and the hub is offline (HF_HUB_OFFLINE) with no cached copy"


class HfTokenizerProvider:
    """TokenizerProvider with the Hugging Face `tokenizers` and `transformers` libraries.

    Contract (the port, plus):
    - `train` learns a byte-level BPE (no prefix space) with `<pad>`=0, `<s>`,
      `</s>`, `<unk>`, `<mask>` first, wraps each text in `<s> ... </s>`, and
      names it 'bpe-<vocab_size>'; the vocabulary may come out smaller than
      asked when the texts are few;
    - `pretrained` loads a local folder, or a hub name: from the local cache
      first, then from the hub unless HF_HUB_OFFLINE is set, and only once a
      3-second connection probe shows the hub answers (no minute of retries);
      every failure is an InputError of one line; remote code is never run.
    """

    def train(self, texts: Iterable[str], *, vocab_size: int, min_frequency: int = 2) -> HfTextTokenizer:
        if vocab_size < _MIN_VOCAB:
            raise InputError(f"vocab_size must be at least {_MIN_VOCAB} (256 bytes + 5 special tokens)")
        if min_frequency < 1:
            raise InputError(f"min_frequency must be at least 1, got {min_frequency}")
        tokenizer = train_byte_level_bpe(texts, vocab_size=vocab_size, min_frequency=min_frequency)
        return HfTextTokenizer(tokenizer, name=f"bpe-{vocab_size}")

    def pretrained(self, name_or_path: str, revision: str | None = None) -> HfTextTokenizer:
        folder = Path(name_or_path).expanduser()
        if folder.is_dir():
            if revision is not None:
                raise InputError(
                    f"tokenizer {name_or_path!r} is a local folder: a revision pins hub tokenizers only"
                )
            tokenizer = _load(
                name_or_path, str(folder), local_only=True, hint="the folder holds no usable tokenizer"
            )
        elif _looks_like_path(name_or_path):
            raise InputError(f"cannot load tokenizer {name_or_path!r}: no such folder")
        else:
            if revision is None:
                log.warning(
                    "tokenizer %s is unpinned and may change on the hub: pass --tokenizer-revision COMMIT "
                    "to pin it",
                    name_or_path,
                )
            tokenizer = _from_hub(name_or_path, revision)
            loaded = HfTextTokenizer(tokenizer, name=name_or_path)
            loaded.revision = cached_commit(
                name_or_path, revision, ("tokenizer_config.json", "tokenizer.json")
            )
            return loaded
        return HfTextTokenizer(tokenizer, name=name_or_path)


def _from_hub(name: str, revision: str | None) -> Any:
    """From the local Hugging Face cache, else (unless offline) from the hub once it answers."""
    offline = hub_offline()
    try:
        return _load(name, name, local_only=True, hint=_OFFLINE_HINT, revision=revision)
    except InputError:
        if offline:
            raise
    if not hub_reachable():
        raise InputError(
            f"cannot load tokenizer {name!r}: not a local folder nor cached, and {hub_endpoint()} "
            "cannot be reached; give a local folder, or set HF_HUB_OFFLINE=1 to stay offline"
        )
    return _load(name, name, local_only=False, hint="not found on the hub", revision=revision)


def _load(name: str, source: str, *, local_only: bool, hint: str, revision: str | None = None) -> Any:
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(
            source, revision=revision, local_files_only=local_only, trust_remote_code=False
        )
    except Exception as exc:  # transformers and the hub raise many unrelated types for one cause
        detail = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise InputError(f"cannot load tokenizer {name!r}: {hint} ({detail})") from None


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", "./", "../", "~", ".\\")) or "\\" in name or name.count("/") > 1
