"""The two ParallelExecutors on real processes: the local pool and a local Ray."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from codemill.infrastructure.executors.process_pool import ProcessPoolParallelExecutor


def _tagging_worker() -> Callable[[int], tuple[int, int, int]]:
    """Each built worker has an id; results say which process and which build handled the item."""
    build = id(object())
    return lambda item: (item * 2, os.getpid(), build)


def _failing_worker() -> Callable[[int], int]:
    def run(item: int) -> int:
        if item == 5:
            raise ValueError("item 5 is bad")
        return item

    return run


def _dying_once(marker: str) -> Callable[[int], int]:
    def run(item: int) -> int:
        if item == 3 and not os.path.exists(marker):
            Path(marker).touch()
            os._exit(1)  # the worker process dies mid-item
        return item * 10

    return run


def _check_ordered_and_built_once_per_process(executor) -> None:  # type: ignore[no-untyped-def]
    results = list(executor.map_ordered(_tagging_worker, range(40), workers=2))
    assert [value for value, _, _ in results] == [i * 2 for i in range(40)]
    builds_per_process: dict[int, set[int]] = {}
    for _, pid, build in results:
        builds_per_process.setdefault(pid, set()).add(build)
    assert all(len(builds) == 1 for builds in builds_per_process.values())


def test_the_local_pool_keeps_order_builds_once_and_serves_several_maps() -> None:
    executor = ProcessPoolParallelExecutor(batch_size=1)
    try:
        _check_ordered_and_built_once_per_process(executor)
        first = {pid for _, pid, _ in executor.map_ordered(_tagging_worker, range(20), workers=2)}
        second = {pid for _, pid, _ in executor.map_ordered(_tagging_worker, range(20), workers=2)}
        assert first & second  # the same processes served the next map
        with pytest.raises(ValueError, match="item 5 is bad"):
            list(executor.map_ordered(_failing_worker, range(10), workers=2))
        assert list(executor.map_ordered(_failing_worker, range(3), workers=2)) == [0, 1, 2]
    finally:
        executor.close()


def test_ray_keeps_order_builds_once_and_retries_a_dead_worker(ray_cluster, tmp_path: Path) -> None:
    from codemill.infrastructure.executors.ray_executor import RayParallelExecutor

    executor = RayParallelExecutor()
    _check_ordered_and_built_once_per_process(executor)
    with pytest.raises(ValueError, match="item 5 is bad"):
        list(executor.map_ordered(_failing_worker, range(10), workers=2))
    marker = str(tmp_path / "died")
    results = list(executor.map_ordered(functools.partial(_dying_once, marker), range(8), workers=2))
    assert Path(marker).exists()
    assert results == [i * 10 for i in range(8)]
