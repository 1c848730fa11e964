"""AliasFollower: a server of registry:NAME@ALIAS moves to the version the alias points at now."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from codemill.application.serving.load_model import LoadedModel, describe
from codemill.application.serving.served_model import ServedModel
from codemill.domain.errors import first_line
from codemill.domain.ports.model_resolver import ModelResolver

log = logging.getLogger("codemill.serve")


class AliasFollower:
    """Polls the alias of the served model and swaps in the version it points at.

    - Polls `resolver.current_version` every `interval_s` seconds, off the
      event loop. Nothing happens while the version is the one served.
    - A new version is loaded and warmed up in the background by `load`,
      then swapped in between batches: no request fails for it.
    - A poll or a load that fails is logged, and the served version stays;
      a version that failed to load is tried again only after the alias
      moved on (or back).
    - `on_switch` hears of each swap (metrics).
    """

    def __init__(
        self,
        served: ServedModel,
        resolver: ModelResolver,
        load: Callable[[str], LoadedModel],
        *,
        interval_s: float,
        on_switch: Callable[[LoadedModel], None] | None = None,
    ) -> None:
        self._served = served
        self._resolver = resolver
        self._load = load
        self._interval = interval_s
        self._on_switch = on_switch
        self._failed: int | None = None
        self._seen: int | None = -1  # the version last read; logs a vanished alias once

    async def run(self) -> None:
        """Poll until cancelled."""
        while True:
            await asyncio.sleep(self._interval)
            await self.check()

    async def check(self) -> bool:
        """One poll; True when it swapped in a new version."""
        model = self._served.current.model
        if model.alias is None:
            return False
        try:
            version = await asyncio.to_thread(self._resolver.current_version, model.name, model.alias)
        except Exception as exc:  # a registry that is briefly unreachable must not stop the server
            log.warning("cannot read alias %s@%s: %s", model.name, model.alias, first_line(exc))
            return False
        if version is None and self._seen is not None:
            log.warning("alias %s@%s no longer exists: serving %s", model.name, model.alias, describe(model))
        self._seen = version
        if version is None or version in (model.version, self._failed):
            return False
        log.info("alias %s@%s now points at version %s: loading it", model.name, model.alias, version)
        try:
            loaded = await asyncio.to_thread(self._load, model.reference)
        except Exception as exc:  # a broken version must not stop the server: the old one goes on
            self._failed = version
            log.error(
                "cannot load version %s of %s: %s; still serving %s",
                version,
                model.name,
                first_line(exc),
                describe(model),
            )
            return False
        self._failed = None
        self._served.swap(loaded)
        if self._on_switch is not None:
            self._on_switch(loaded)
        return True
