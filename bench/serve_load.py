"""A small asyncio HTTP/1.1 load client: keep-alive connections, bounded request count, latencies."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from codemill.domain.model_speed import percentile

_HEAD = "POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"


@dataclass
class LoadResult:
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    inputs: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    versions: Counter[int | None] = field(default_factory=Counter)

    def line(self, label: str, concurrency: int) -> str:
        done = len(self.latencies_ms)
        p50, p95, p99 = (percentile(self.latencies_ms, q) for q in (50, 95, 99))
        errors, seconds = sum(self.errors.values()), self.seconds
        return (
            f"{label:28s} {concurrency:5d} {done:8d} {done / seconds:8.1f} {self.inputs / seconds:9.1f}"
            f" {p50:8.1f} {p95:8.1f} {p99:8.1f} {errors:7d}"
        )


_COLUMNS = ("conc", "requests", "req/s", "inputs/s", "p50 ms", "p95 ms", "p99 ms", "errors")
HEADER = f"{'setting':28s} " + " ".join(
    f"{name:>{width}s}" for name, width in zip(_COLUMNS, (5, 8, 8, 9, 8, 8, 8, 7), strict=True)
)


def run_load(
    port: int,
    bodies: Sequence[tuple[bytes, int]],
    *,
    requests: int,
    concurrency: int,
    read_versions: bool = False,
) -> LoadResult:
    """`requests` POST /v1/predict over `concurrency` keep-alive connections, bodies taken in turn."""
    return asyncio.run(_load(port, bodies, requests, concurrency, read_versions))


async def _load(
    port: int, bodies: Sequence[tuple[bytes, int]], total: int, concurrency: int, read_versions: bool
) -> LoadResult:
    result = LoadResult()
    counter = itertools.count()
    start = time.perf_counter()
    await asyncio.gather(
        *(_client(port, bodies, total, counter, result, read_versions) for _ in range(concurrency))
    )
    result.seconds = time.perf_counter() - start
    return result


async def _client(
    port: int,
    bodies: Sequence[tuple[bytes, int]],
    total: int,
    counter: itertools.count[int],
    result: LoadResult,
    read_versions: bool,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (index := next(counter)) < total:
            body, count = bodies[index % len(bodies)]
            head = f"{_HEAD}Content-Length: {len(body)}\r\n\r\n"
            started = time.perf_counter()
            writer.write(head.encode() + body)
            status, payload = await _response(reader)
            result.latencies_ms.append((time.perf_counter() - started) * 1000.0)
            if status != 200:
                result.errors[str(status)] += 1
                continue
            result.inputs += count
            if read_versions:
                result.versions[json.loads(payload)["version"]] += 1
    except (OSError, asyncio.IncompleteReadError) as exc:
        result.errors[type(exc).__name__] += 1
    finally:
        writer.close()


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)
