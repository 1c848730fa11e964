"""LoadModel: a model reference -> a loaded model, warmed up and ready to answer."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from codemill.domain.ports.model_loader import ModelLoader, ModelRunner
from codemill.domain.ports.model_resolver import ModelResolver, ResolvedModel

log = logging.getLogger("codemill.serve")


@dataclass(frozen=True, kw_only=True)
class LoadModelRequest:
    reference: str  # registry:NAME@ALIAS, registry:NAME/VERSION, a stored model name or a local folder
    warm_up_batch_sizes: Sequence[int] = (1,)  # () skips the warm-up


@dataclass(frozen=True, kw_only=True)
class LoadedModel:
    """A resolved model and the runner that answers with it."""

    model: ResolvedModel
    runner: ModelRunner


class LoadModel:
    """Resolve a model reference and load the model it points at.

    - The reference goes through the resolver (registry, storage, local
      folder); an unknown one raises the resolver's one-line error.
    - The folder is loaded by the loader: safetensors only, calibration
      applied when the folder has `calibration.json`.
    - The runner has run once at each requested batch size before it is
      returned, so its first real request pays no first-call costs.
    """

    def __init__(self, resolver: ModelResolver, loader: ModelLoader) -> None:
        self._resolver = resolver
        self._loader = loader

    def execute(self, request: LoadModelRequest) -> LoadedModel:
        start = time.perf_counter()
        model = self._resolver.resolve(request.reference)
        runner = self._loader.load(model)
        if request.warm_up_batch_sizes:
            runner.warm_up(sorted(set(request.warm_up_batch_sizes)))
        log.info(
            "loaded %s (%s) in %.1f s",
            describe(model),
            runner.kind,
            time.perf_counter() - start,
        )
        return LoadedModel(model=model, runner=runner)


def describe(model: ResolvedModel) -> str:
    """'name version 3 (alias prod)', 'name' for a model outside the registry."""
    text = model.name if model.version is None else f"{model.name} version {model.version}"
    return f"{text} (alias {model.alias})" if model.alias else text
