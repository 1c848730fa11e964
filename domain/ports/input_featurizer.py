"""Port: the features of model inputs, measured as the model that answers them sees them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from codemill.domain.input_features import InputFeatures


class InputFeaturizer(Protocol):
    """Measures code for drift monitoring, with the tokenizer of a model folder.

    Contract: `featurize` returns one InputFeatures per code, in order (see
    InputFeatures for each field); `token_counts` the length in tokens of
    each text (special tokens included, never truncated). Both read only the
    local folder (its tokenizer is loaded once and reused), never raise for
    odd code (a feature that cannot be measured is None or 'unknown'), and
    raise InputError with one line when the folder has no usable tokenizer.
    The same code in the same folder always gets the same features.
    """

    def featurize(self, model_folder: str, codes: Sequence[str]) -> list[InputFeatures]: ...

    def token_counts(self, model_folder: str, texts: Sequence[str]) -> list[int]: ...
