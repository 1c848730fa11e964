"""InputFeaturizer on a model folder's tokenizer.json (the tokenizers library), radon and a language guess."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer

from codemill.domain.code import Language
from codemill.domain.errors import InputError, first_line
from codemill.domain.input_features import InputFeatures
from codemill.domain.language_guess import guess_language
from codemill.infrastructure.monitoring.python_complexity import python_complexity

_CONFIG_FILES = ("tokenizer_config.json", "special_tokens_map.json")
_BATCH = 256


@dataclass(frozen=True)
class _Measuring:
    tokenizer: Tokenizer
    unk_id: int | None


class TokenizerInputFeaturizer:
    """InputFeaturizer (see the port) with the fast tokenizer saved in a model folder.

    - Tokens are counted with special tokens and without truncation or
      padding, whatever the saved tokenizer's own settings.
    - The unknown token is the one tokenizer_config.json (or
      special_tokens_map.json, or the tokenizer's model) names; the OOV rate
      is its share among the non-special tokens. Byte-level BPE has none:
      its rate is always 0.
    - The language is `guess_language` (keywords and symbols, see
      domain.language_guess); complexity is radon's for code guessed as
      Python, None for other languages.
    - One tokenizer per folder is loaded and kept.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, _Measuring] = {}
        self._lock = threading.Lock()

    def featurize(self, model_folder: str, codes: Sequence[str]) -> list[InputFeatures]:
        measuring = self._measuring(model_folder)
        features = []
        for start in range(0, len(codes), _BATCH):
            batch = list(codes[start : start + _BATCH])
            encodings = measuring.tokenizer.encode_batch(batch, add_special_tokens=True)
            for code, encoding in zip(batch, encodings, strict=True):
                language = guess_language(code)
                features.append(
                    InputFeatures(
                        tokens=len(encoding.ids),
                        language=language,
                        complexity=python_complexity(code) if language == Language.PYTHON else None,
                        oov_rate=_oov_rate(encoding, measuring.unk_id),
                    )
                )
        return features

    def token_counts(self, model_folder: str, texts: Sequence[str]) -> list[int]:
        tokenizer = self._measuring(model_folder).tokenizer
        return [len(e.ids) for e in tokenizer.encode_batch(list(texts), add_special_tokens=True)]

    def _measuring(self, folder: str) -> _Measuring:
        with self._lock:
            if folder not in self._loaded:
                self._loaded[folder] = _load(Path(folder))
            return self._loaded[folder]


def _load(folder: Path) -> _Measuring:
    path = folder / "tokenizer.json"
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # missing file, or not a tokenizers file
        raise InputError(
            f"cannot measure inputs with the tokenizer of {folder}: {first_line(exc)} "
            "(a fast tokenizer's tokenizer.json is needed)"
        ) from None
    tokenizer.no_truncation()
    tokenizer.no_padding()
    unk = _unk_token(folder, tokenizer)
    return _Measuring(tokenizer=tokenizer, unk_id=tokenizer.token_to_id(unk) if unk else None)


def _unk_token(folder: Path, tokenizer: Tokenizer) -> str | None:
    for name in _CONFIG_FILES:
        try:
            config = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        token = _content(config.get("unk_token")) if isinstance(config, dict) else None
        if token:
            return token
    model = json.loads(tokenizer.to_str()).get("model", {})
    return _content(model.get("unk_token"))


def _content(token: Any) -> str | None:
    """A token as the config files write it: a string, or {"content": ...}."""
    if isinstance(token, dict):
        token = token.get("content")
    return token if isinstance(token, str) and token else None


def _oov_rate(encoding: Any, unk_id: int | None) -> float:
    regular = [
        i for i, special in zip(encoding.ids, encoding.special_tokens_mask, strict=True) if not special
    ]
    if unk_id is None or not regular:
        return 0.0
    return sum(1 for i in regular if i == unk_id) / len(regular)
