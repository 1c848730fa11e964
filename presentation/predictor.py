"""Predictor: a served model's predictions inside a Python process, without HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from codemill.application.serving.load_model import LoadedModel, LoadModelRequest
from codemill.domain.errors import InputError
from codemill.domain.ports.model_resolver import ResolvedModel
from codemill.domain.prediction import Prediction

if TYPE_CHECKING:
    from codemill.presentation.container import Container


class Predictor:
    """Predictions from a model loaded in this process::

        from codemill import Predictor

        predictor = Predictor.from_ref("registry:kinds@prod")  # or a stored model name, or a folder
        [p.label for p in predictor.predict(["def f(x):\\n    return x\\n"])]

    Classifiers answer `label` (or `labels`, multi-label) with
    `probabilities`, calibrated when the model folder has calibration.json;
    generators answer `text` (greedy). Inputs are run in padded batches of
    `batch_size`; answers keep the inputs' order.
    """

    def __init__(self, loaded: LoadedModel, *, batch_size: int = 32) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._loaded = loaded
        self._batch_size = batch_size

    @classmethod
    def from_ref(
        cls,
        reference: str,
        *,
        container: Container | None = None,
        device: str = "auto",
        threads: int | None = None,
        max_new_tokens: int | None = None,
        batch_size: int = 32,
    ) -> Predictor:
        """Resolve `reference` with the container's resolver and load the model, warmed up."""
        if container is None:
            from codemill.presentation.container import Container

            container = Container()
        loader = container.model_loader(device=device, threads=threads, max_new_tokens=max_new_tokens)
        use_case = container.load_model(loader=loader)
        request = LoadModelRequest(reference=reference, warm_up_batch_sizes=(1,))
        return cls(use_case.execute(request), batch_size=batch_size)

    @property
    def model(self) -> ResolvedModel:
        return self._loaded.model

    @property
    def kind(self) -> str:
        """'single_label', 'multi_label' or 'seq2seq'."""
        return self._loaded.runner.kind

    def predict(self, codes: Sequence[str]) -> list[Prediction]:
        """One Prediction per code string, in order."""
        if isinstance(codes, str) or not all(isinstance(code, str) for code in codes):
            raise InputError("predict takes a list of code strings")
        runner, size = self._loaded.runner, self._batch_size
        answers: list[Prediction] = []
        for start in range(0, len(codes), size):
            answers += runner.predict(list(codes[start : start + size]))
        return answers
