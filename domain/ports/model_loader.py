"""Port: a resolved model folder loaded for answering requests, and the loaded model itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from codemill.domain.ports.model_resolver import ResolvedModel
from codemill.domain.prediction import Prediction


class ModelRunner(Protocol):
    """A loaded model that answers batches of code.

    Contract: `kind` is 'single_label', 'multi_label' or 'seq2seq';
    `predict` returns exactly one Prediction per input, in input order, and
    treats its inputs as one padded batch (callers bound its size); it is
    called by one thread at a time. `warm_up` runs each batch size once on
    made-up code so that the first real request pays no first-call costs.
    """

    kind: str

    def predict(self, codes: Sequence[str]) -> list[Prediction]: ...

    def warm_up(self, batch_sizes: Sequence[int]) -> None: ...


class ModelLoader(Protocol):
    """Loads the folder of a ResolvedModel for inference.

    Contract: reads the local folder only (no network, no remote code),
    safetensors weights only (never unpickles); applies `calibration.json`
    when the folder has one; raises InputError or IntegrityError with one
    line naming the folder when the model cannot be used.
    """

    def load(self, model: ResolvedModel) -> ModelRunner: ...
