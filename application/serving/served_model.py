"""The model a server answers with now: swapped whole, never half-way through a batch."""

from __future__ import annotations

import logging

from codemill.application.serving.load_model import LoadedModel, describe
from codemill.domain.errors import CodemillError

log = logging.getLogger("codemill.serve")


class ModelNotReadyError(CodemillError):
    """The server has not finished loading and warming up its model."""


class ServedModel:
    """Holds the current LoadedModel. Readers take it once per batch; `swap` replaces it for the next."""

    def __init__(self) -> None:
        self._current: LoadedModel | None = None

    @property
    def ready(self) -> bool:
        return self._current is not None

    @property
    def current(self) -> LoadedModel:
        if self._current is None:
            raise ModelNotReadyError("the model is still loading: retry when /readyz answers 200")
        return self._current

    def swap(self, loaded: LoadedModel) -> LoadedModel | None:
        """Serve `loaded` from the next batch on; returns the model it replaces."""
        previous, self._current = self._current, loaded
        if previous is not None:
            log.info("switched from %s to %s", describe(previous.model), describe(loaded.model))
        return previous
