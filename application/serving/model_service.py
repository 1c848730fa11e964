"""ModelService: one model behind a dynamic batcher, loaded in the background, following its alias."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from codemill.application.serving.alias_follower import AliasFollower
from codemill.application.serving.dynamic_batcher import Answer, DynamicBatcher
from codemill.application.serving.load_model import LoadedModel, LoadModel, LoadModelRequest
from codemill.application.serving.served_model import ServedModel
from codemill.application.serving.sink_dispatcher import SinkDispatcher
from codemill.domain.errors import first_line
from codemill.domain.ports.model_resolver import ModelResolver, ResolvedModel
from codemill.domain.ports.prediction_sink import PredictionSink
from codemill.domain.ports.serving_metrics import ServingMetrics
from codemill.domain.prediction import PredictedBatch, Prediction

log = logging.getLogger("codemill.serve")


@dataclass(frozen=True, kw_only=True)
class ServingOptions:
    reference: str
    max_batch_size: int = 16
    max_latency_ms: float = 10.0
    follow_alias: bool = True  # only registry:NAME@ALIAS references have an alias to follow
    poll_seconds: float = 5.0
    sink_capacity: int = 1024  # answered batches waiting for the prediction sink before drops


class ModelService:
    """Answers predictions with one model, as an HTTP server needs it.

    - `start` returns at once; the model loads and warms up (batch 1 and
      the maximum batch) in the background. Until then `ready` is False and
      `predict` raises ModelNotReadyError. A model that fails to load is
      reported once to `on_fatal`.
    - Concurrent `predict` calls share batches (see DynamicBatcher).
    - With `follow_alias`, a registry alias is polled and a new version is
      swapped in between batches (see AliasFollower).
    - Each answered batch is measured and handed to the prediction sink,
      off the request's path.
    """

    def __init__(
        self,
        options: ServingOptions,
        *,
        load_model: LoadModel,
        resolver: ModelResolver,
        metrics: ServingMetrics,
        sink: PredictionSink | None = None,
        on_fatal: Callable[[str], None] | None = None,
    ) -> None:
        self._options = options
        self._load_model = load_model
        self._resolver = resolver
        self._metrics = metrics
        self._on_fatal = on_fatal
        self._served = ServedModel()
        self._inference = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inference")
        self._sink = (
            SinkDispatcher(sink, capacity=options.sink_capacity, on_problem=metrics.sink_problem)
            if sink
            else None
        )
        self._batcher = DynamicBatcher(
            self._served,
            self._inference,
            max_batch_size=options.max_batch_size,
            max_latency_s=options.max_latency_ms / 1000.0,
            listener=self._batch_answered,
        )
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def ready(self) -> bool:
        return self._served.ready

    @property
    def model(self) -> ResolvedModel:
        return self._served.current.model

    @property
    def kind(self) -> str:
        return self._served.current.runner.kind

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._batcher.run()),
            asyncio.create_task(self._load_then_follow()),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._inference.shutdown(wait=True)
        if self._sink is not None:
            await asyncio.to_thread(self._sink.close)

    async def predict(self, codes: Sequence[str]) -> Answer:
        self._served.current  # noqa: B018 - raises ModelNotReadyError while loading
        return await self._batcher.predict(codes)

    def _load(self, reference: str) -> LoadedModel:
        sizes = (1, self._options.max_batch_size)
        return self._load_model.execute(LoadModelRequest(reference=reference, warm_up_batch_sizes=sizes))

    async def _load_then_follow(self) -> None:
        try:
            loaded = await asyncio.to_thread(self._load, self._options.reference)
        except Exception as exc:  # whatever stops the model from loading ends the server, in one line
            message = f"cannot serve {self._options.reference}: {first_line(exc)}"
            log.error(message)
            if self._on_fatal is not None:
                self._on_fatal(message)
            return
        self._served.swap(loaded)
        self._switched(loaded)
        if self._options.follow_alias and loaded.model.alias is not None:
            follower = AliasFollower(
                self._served,
                self._resolver,
                self._load,
                interval_s=self._options.poll_seconds,
                on_switch=self._switched,
            )
            await follower.run()

    def _switched(self, loaded: LoadedModel) -> None:
        self._metrics.model_switched(loaded.model.name, loaded.model.version)

    def _batch_answered(
        self, loaded: LoadedModel, codes: Sequence[str], predictions: Sequence[Prediction], seconds: float
    ) -> None:
        self._metrics.batch_done(predictions, seconds)
        if self._sink is not None:
            model = loaded.model
            self._sink.submit(
                PredictedBatch(
                    model=model.name,
                    version=model.version,
                    fingerprint=model.fingerprint,
                    inputs=tuple(codes),
                    predictions=tuple(predictions),
                    finished_at=time.time(),
                    seconds=seconds,
                    folder=model.folder,
                )
            )
