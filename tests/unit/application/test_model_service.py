"""ModelService: background loading, alias following with swaps, the prediction sink off the request path."""

from __future__ import annotations

import asyncio
import threading
import time

from codemill.application.serving.alias_follower import AliasFollower
from codemill.application.serving.load_model import LoadModel, LoadModelRequest
from codemill.application.serving.model_service import ModelService, ServingOptions
from codemill.application.serving.served_model import ModelNotReadyError, ServedModel
from codemill.application.serving.sink_dispatcher import SinkDispatcher
from codemill.domain.prediction import PredictedBatch, Prediction
from tests.fakes.serving_fakes import EchoLoader, FakeModelResolver, RecordingMetrics

REF = "registry:kinds@prod"


def _resolver() -> FakeModelResolver:
    return FakeModelResolver("kinds", {1: "/v1", 2: "/v2", 3: "/v3"}, {"prod": 1})


def test_the_service_is_ready_after_loading_and_warming_up_and_hands_batches_to_the_sink() -> None:
    resolver, loader, metrics = _resolver(), EchoLoader(), RecordingMetrics()
    loader.gate = threading.Event()
    seen: list[PredictedBatch] = []
    options = ServingOptions(reference=REF, max_batch_size=8, max_latency_ms=1, follow_alias=False)
    service = ModelService(
        options, load_model=LoadModel(resolver, loader), resolver=resolver, metrics=metrics, sink=seen.append
    )

    async def scenario() -> None:
        await service.start()
        await asyncio.sleep(0.05)
        assert not service.ready
        try:
            await service.predict(["early"])
        except ModelNotReadyError:
            pass
        else:
            raise AssertionError("answered before the model was loaded")
        loader.gate.set()
        while not service.ready:
            await asyncio.sleep(0.01)
        answer = await service.predict(["a", "b"])
        assert [p.label for p in answer.predictions] == ["v1:a", "v1:b"]
        await service.stop()

    asyncio.run(scenario())
    assert metrics.switches == [1] and metrics.batch_sizes == [2]
    assert [(b.model, b.version, b.inputs) for b in seen] == [("kinds", 1, ("a", "b"))]


def test_the_follower_swaps_in_a_new_version_and_keeps_the_old_one_when_a_load_fails() -> None:
    resolver, loader = _resolver(), EchoLoader(broken=frozenset({"/v2"}))
    load = LoadModel(resolver, loader)
    served = ServedModel()
    served.swap(load.execute(LoadModelRequest(reference=REF)))
    switched: list[int | None] = []
    follower = AliasFollower(
        served,
        resolver,
        lambda ref: load.execute(LoadModelRequest(reference=ref)),
        interval_s=0.01,
        on_switch=lambda loaded: switched.append(loaded.model.version),
    )

    async def scenario() -> list[bool]:
        results = [await follower.check()]  # nothing moved
        resolver.point("prod", 2)  # broken: stays on 1, not retried
        results += [await follower.check(), await follower.check()]
        resolver.point("prod", 3)
        results.append(await follower.check())
        del resolver.aliases["prod"]  # a vanished alias keeps the served version
        results.append(await follower.check())
        return results

    assert asyncio.run(scenario()) == [False, False, False, True, False]
    assert served.current.model.version == 3 and switched == [3]
    assert [m.folder for m in loader.loaded] == ["/v1", "/v3"]


def test_a_slow_or_failing_sink_never_blocks_and_its_problems_are_counted() -> None:
    release = threading.Event()
    problems: list[str] = []

    def sink(batch: PredictedBatch) -> None:
        release.wait(5)
        raise ValueError("disk full")

    dispatcher = SinkDispatcher(sink, capacity=2, on_problem=problems.append)
    batch = PredictedBatch(
        model="m",
        version=1,
        fingerprint="f",
        inputs=("x",),
        predictions=(Prediction(label="a"),),
        finished_at=time.time(),
        seconds=0.01,
    )
    start = time.perf_counter()
    for _ in range(6):
        dispatcher.submit(batch)
    assert time.perf_counter() - start < 0.5
    release.set()
    dispatcher.close()
    assert problems.count("dropped") >= 3 and 1 <= problems.count("failed") <= 3
