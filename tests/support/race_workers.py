"""Processes that race each other on one store: creating one key, moving one alias, registering one model.

Each worker opens the store from a StoreSpec, then runs its rounds in
lockstep with the others (a shared barrier before every round) and reports
what it got on a queue. `race` starts the workers (spawned, like separate
machines) and collects the reports.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from tests.support.store_specs import StoreSpec

BARRIER_TIMEOUT_S = 120


def race(
    worker: Callable[..., None], arguments: Sequence[tuple[Any, ...]], timeout_s: float = 600
) -> list[Any]:
    """`worker(*args, barrier, reports)` in one process per entry of `arguments`; their reports."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(arguments))
    reports = context.Queue()
    processes = [context.Process(target=worker, args=(*args, barrier, reports)) for args in arguments]
    for process in processes:
        process.start()
    collected, finished = [], 0
    while finished < len(processes):
        report = reports.get(timeout=timeout_s)
        if report == "done":
            finished += 1
        elif isinstance(report, tuple) and report[:1] == ("error",):
            _stop(processes)
            raise AssertionError(f"a racing worker failed:\n{report[1]}")
        else:
            collected.append(report)
    for process in processes:
        process.join(timeout=30)
    return collected


def _stop(processes: Sequence[Any]) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)


def _reporting(body: Callable[[], None], reports: Any) -> None:
    try:
        body()
    except BaseException:
        reports.put(("error", traceback.format_exc()))
        return
    reports.put("done")


def create_rounds(spec: StoreSpec, keys: list[str], me: int, barrier: Any, reports: Any) -> None:
    """Each round: create the round's key with this worker's own payload; report (key, me, created)."""

    def body() -> None:
        store = spec.open()
        for key in keys:
            barrier.wait(BARRIER_TIMEOUT_S)
            reports.put((key, me, store.create(key, payload(key, me))))

    _reporting(body, reports)


def payload(key: str, me: int) -> bytes:
    return f"{key} by worker {me}\n".encode() * 200


def move_rounds(
    spec: StoreSpec, name: str, alias: str, version: int, me: int, rounds: int, barrier: Any, reports: Any
) -> None:
    """Each round: move `alias` of `name` to `version`; report (round, me, seq, attempts)."""
    from codemill.application.registry.alias_mover import AliasMover
    from codemill.infrastructure.registry.storage_model_registry import StorageModelRegistry

    def body() -> None:
        mover = AliasMover(StorageModelRegistry(spec.open()), user=f"mover-{me}")
        for round_ in range(rounds):
            barrier.wait(BARRIER_TIMEOUT_S)
            moved = mover.move(
                name, alias, lambda _: version, action="alias", reason=f"mover {me} round {round_}"
            )
            reports.put((round_, me, moved.move.seq, moved.attempts))

    _reporting(body, reports)


def register_rounds(
    spec: StoreSpec, folder: str, name: str, me: int, rounds: int, barrier: Any, reports: Any
) -> None:
    """Each round: register the model folder as a new version of `name`; report (round, me, version)."""
    from codemill.application.registry.alias_mover import AliasMover
    from codemill.application.registry.register_model import RegisterModel, RegisterRequest
    from codemill.infrastructure.registry.storage_model_lineage import StorageModelLineage
    from codemill.infrastructure.registry.storage_model_registry import StorageModelRegistry
    from codemill.infrastructure.runs.storage_run_repository import StorageRunRepository

    def body() -> None:
        store = spec.open()
        registry, runs = StorageModelRegistry(store), StorageRunRepository(store)
        register = RegisterModel(
            registry=registry,
            lineage=StorageModelLineage(store, runs),
            runs=runs,
            mover=AliasMover(registry, user=f"registrar-{me}"),
            user=f"registrar-{me}",
            versions={"codemill": "test"},
        )
        for round_ in range(rounds):
            barrier.wait(BARRIER_TIMEOUT_S)
            result = register.execute(RegisterRequest(model=folder, name=name, reason=f"{me}/{round_}"))
            reports.put((round_, me, result.version))

    _reporting(body, reports)


def publish_rounds(spec: StoreSpec, prefixes: list[str], me: int, barrier: Any, reports: Any) -> None:
    """Each round: claim the round's name, write three artifacts and publish them; report the outcome.

    Reports (prefix, me, 'published' or the refusal's message). A worker that publishes holds its claim
    until its manifest is written, as the use cases do.
    """
    from codemill.application.publishing.artifacts import ArtifactWriter
    from codemill.application.publishing.name_claims import NameClaims
    from codemill.domain.errors import InputError

    def body() -> None:
        store = spec.open()
        claims = NameClaims(store)
        for prefix in prefixes:
            barrier.wait(BARRIER_TIMEOUT_S)
            try:
                claim = claims.claim(prefix, what=f"corpus {prefix!r}", overwrite=False)
            except InputError as exc:
                reports.put((prefix, me, str(exc)))
                continue
            try:
                writer = ArtifactWriter(store, prefix, kind="corpus")
                for part in range(3):
                    writer.write(f"data/shard-{part:05d}.parquet", payload(f"{prefix}/{part}", me))
                writer.publish(metadata={"writer": me})
            finally:
                claims.release(claim)
            reports.put((prefix, me, "published"))

    _reporting(body, reports)
