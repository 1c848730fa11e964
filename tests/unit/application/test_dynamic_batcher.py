"""DynamicBatcher: bounded batches across concurrent requests, order kept, failures contained."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from codemill.application.serving.dynamic_batcher import DynamicBatcher
from codemill.application.serving.load_model import LoadedModel
from codemill.application.serving.served_model import ModelNotReadyError, ServedModel
from codemill.domain.ports.model_resolver import ResolvedModel
from tests.fakes.serving_fakes import EchoRunner


def _served(runner: EchoRunner, version: int = 1) -> ServedModel:
    served = ServedModel()
    model = ResolvedModel(reference="registry:m@prod", folder="/m", name="m", version=version, alias="prod")
    served.swap(LoadedModel(model=model, runner=runner))
    return served


async def _with_batcher(batcher: DynamicBatcher, work):
    task = asyncio.create_task(batcher.run())
    try:
        return await work
    finally:
        task.cancel()


def test_concurrent_requests_share_bounded_batches_and_keep_their_order() -> None:
    runner = EchoRunner(delay_s=0.01)
    with ThreadPoolExecutor(1) as executor:

        async def scenario():
            batcher = DynamicBatcher(_served(runner), executor, max_batch_size=4, max_latency_s=0.05)
            requests = [[f"r{r}-{i}" for i in range(r + 1)] for r in range(5)]  # 15 inputs
            answers = await _with_batcher(batcher, asyncio.gather(*(batcher.predict(c) for c in requests)))
            return requests, answers

        requests, answers = asyncio.run(scenario())
    for codes, answer in zip(requests, answers, strict=True):
        assert [p.label for p in answer.predictions] == codes
        assert answer.model.version == 1
    assert all(len(batch) <= 4 for batch in runner.batches)
    assert sum(len(batch) for batch in runner.batches) == 15
    assert len(runner.batches) == 4  # 15 inputs, 4 per batch: a request's inputs were split


def test_a_lone_request_waits_at_most_the_latency_bound() -> None:
    runner = EchoRunner()
    with ThreadPoolExecutor(1) as executor:

        async def scenario() -> float:
            batcher = DynamicBatcher(_served(runner), executor, max_batch_size=64, max_latency_s=0.05)
            start = time.perf_counter()
            await _with_batcher(batcher, batcher.predict(["only"]))
            return time.perf_counter() - start

        elapsed = asyncio.run(scenario())
    assert 0.04 <= elapsed < 0.5
    assert runner.batches == [["only"]]


def test_a_failing_batch_fails_only_the_requests_in_it() -> None:
    runner = EchoRunner()
    with ThreadPoolExecutor(1) as executor:

        async def scenario():
            batcher = DynamicBatcher(_served(runner), executor, max_batch_size=2, max_latency_s=0.0)
            bad = batcher.predict(["boom", "x"])
            return await _with_batcher(
                batcher, asyncio.gather(bad, batcher.predict(["fine"]), return_exceptions=True)
            )

        bad, good = asyncio.run(scenario())
    assert isinstance(bad, RuntimeError)
    assert [p.label for p in good.predictions] == ["fine"]


def test_a_swap_lands_between_batches() -> None:
    first, second = EchoRunner(delay_s=0.05, tag="a:"), EchoRunner(tag="b:")
    served = _served(first)
    with ThreadPoolExecutor(1) as executor:

        async def scenario():
            batcher = DynamicBatcher(served, executor, max_batch_size=2, max_latency_s=0.0)
            worker = asyncio.create_task(batcher.run())
            running = asyncio.gather(batcher.predict(["1", "2"]), batcher.predict(["3"]))
            await asyncio.sleep(0.02)  # the first batch is in the model now
            model = ResolvedModel(
                reference="registry:m@prod", folder="/m2", name="m", version=2, alias="prod"
            )
            served.swap(LoadedModel(model=model, runner=second))
            answers = await running
            worker.cancel()
            return answers

        one, two = asyncio.run(scenario())
    assert [p.label for p in one.predictions] == ["a:1", "a:2"] and one.model.version == 1
    assert [p.label for p in two.predictions] == ["b:3"] and two.model.version == 2


def test_a_model_that_is_not_loaded_yet_is_not_ready() -> None:
    with pytest.raises(ModelNotReadyError, match="still loading"):
        ServedModel().current  # noqa: B018
