"""Throughput and latency of `codemill serve`, dynamic batching on and off, and an alias swap under load.

Usage: python -m bench.serve [--requests 2000] [--concurrency 1,8,32] [--max-batch-size 32]
                             [--max-latency-ms 10] [--steps 40] [--limit-mb 1.0] [--threads 0]
                             [--keep DIR]

Builds a classification dataset from the standard library (as bench.train
does), trains the `small` preset on it for --steps steps, and serves it with
the real `codemill serve` in a process of its own on 127.0.0.1, as
registry:bench@prod of a registry in a temporary local store.
A client in this process sends --requests POST /v1/predict requests at each
concurrency over keep-alive connections, each with 1-8 real code units; once
with dynamic batching (--max-batch-size, --max-latency-ms) and once without
(max batch 1). Prints requests/s, inputs/s, p50/p95/p99 latency and errors per
setting, and the ratio batched/unbatched at the highest concurrency (target
>= 3x with p95 < 250 ms on 2 cores, zero failures). Then moves the alias to a
second version and rolls it back (`codemill registry alias`, `rollback`)
while a load runs, and counts failed requests (target 0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.serve_load import HEADER, LoadResult, run_load
from bench.train import build_dataset

REFERENCE = "registry:bench@prod"
CODEMILL = [sys.executable, "-m", "codemill"]


def store_env(store: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "CODEMILL_STORAGE__BACKEND": "local",
        "CODEMILL_STORAGE__ROOT": str(store),
    }


def registry(store: Path, *arguments: str) -> None:
    """One `codemill registry` command on the benchmark's store."""
    subprocess.run([*CODEMILL, "-q", "registry", *arguments], env=store_env(store), check=True)


def train_small(root: Path, arguments: argparse.Namespace) -> tuple[Path, list[str]]:
    """The `small` preset trained for a few steps, and the test split's code units (kept in --keep)."""
    kept = Path(arguments.keep) if arguments.keep else None
    if kept is not None and (kept / "texts.json").is_file():
        print(f"model: preset small, reused from {kept}")
        return kept / "model", json.loads((kept / "texts.json").read_text(encoding="utf-8"))
    folder, texts = _train_small(root, arguments)
    if kept is None:
        return folder, texts
    shutil.copytree(folder, kept / "model", dirs_exist_ok=True)
    (kept / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    return kept / "model", texts


def _train_small(root: Path, arguments: argparse.Namespace) -> tuple[Path, list[str]]:
    import torch

    from codemill.domain.dataset import TaskSpec, TaskType
    from codemill.domain.ports.model_trainer import TrainingJob
    from codemill.domain.ports.progress import NullProgress
    from codemill.domain.training import TrainingConfig
    from codemill.infrastructure.training.encoding import load_splits
    from codemill.infrastructure.training.hf_model_trainer import HfModelTrainer

    dataset = build_dataset(root, arguments.limit_mb, 4000, arguments.max_length)
    labels = json.loads((dataset / "label_map.json").read_text(encoding="utf-8"))["labels"]
    config = TrainingConfig(
        model="small",
        max_steps=arguments.steps,
        batch_size=16,
        learning_rate=5e-4,
        eval_every=arguments.steps,
        max_input_length=arguments.max_length,
        max_eval_samples=128,
    )
    job = TrainingJob(
        dataset_dir=str(dataset),
        task=TaskSpec(task=TaskType.CLASSIFICATION, label_field="kind"),
        label_names=tuple(labels),
        config=config,
        output_dir=str(root / "run"),
        config_hash="bench",
    )
    torch.set_num_threads(os.cpu_count() or 1)
    started = time.perf_counter()
    outcome = HfModelTrainer().train(job, NullProgress())
    assert outcome.best_model_dir is not None
    texts = [str(text) for text in load_splits(str(dataset))["test"]["text"]]
    seconds = time.perf_counter() - started
    print(f"model: preset small, {arguments.steps} steps in {seconds:.0f} s, labels {labels}")
    return Path(outcome.best_model_dir), texts


def request_bodies(texts: list[str], count: int = 400) -> list[tuple[bytes, int]]:
    rng = random.Random(7)
    bodies = []
    for _ in range(count):
        inputs = rng.sample(texts, rng.randint(1, 8))
        bodies.append((json.dumps({"inputs": inputs}).encode(), len(inputs)))
    return bodies


class Server:
    """`codemill serve` in its own process, stopped with SIGTERM."""

    def __init__(self, store: Path, log: Path, *options: str) -> None:
        command = [*CODEMILL, "serve", REFERENCE, "--port", "0"]
        self.log = log.open("w+")
        self.process = subprocess.Popen([*command, *options], stderr=self.log, env=store_env(store))
        self.port = self._port()
        while self.get("/readyz")[0] != 200:
            time.sleep(0.2)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
                return response.status, response.read().decode()
        except OSError as exc:
            return getattr(exc, "code", 0), str(exc)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)

    def _port(self) -> int:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            self.log.seek(0)
            found = re.search(r"on http://127\.0\.0\.1:(\d+)", self.log.read())
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"codemill serve exited:\n{self.log.read()}")
            time.sleep(0.2)
        raise SystemExit("codemill serve did not start")


def model_share(server: Server, run: Callable[[], LoadResult]) -> tuple[LoadResult, str]:
    """Runs the load; also the share of its wall time the model was busy and the mean batch size."""

    def figures() -> tuple[float, float, float]:
        text = server.get("/metrics")[1]
        found = (re.search(rf"^codemill_{name} (\S+)$", text, re.MULTILINE) for name in _FIGURES)
        return tuple(float(match.group(1)) if match else 0.0 for match in found)  # type: ignore[return-value]

    before = figures()
    result = run()
    busy, inputs, batches = (after - start for after, start in zip(figures(), before, strict=True))
    return result, f"model busy {busy / result.seconds:4.0%}, mean batch {inputs / max(batches, 1):4.1f}"


_FIGURES = ("batch_duration_seconds_sum", "batch_size_sum", "batch_size_count")


def measure(
    server: Server, label: str, bodies: list[tuple[bytes, int]], arguments: argparse.Namespace
) -> dict[int, LoadResult]:
    results = {}
    for concurrency in arguments.concurrency:
        run_load(server.port, bodies, requests=concurrency * 4, concurrency=concurrency)  # warm-up
        result, share = model_share(
            server,
            lambda c=concurrency: run_load(server.port, bodies, requests=arguments.requests, concurrency=c),
        )
        print(f"{result.line(label, concurrency)}  {share}", flush=True)
        results[concurrency] = result
    return results


def swap_under_load(
    store: Path, root: Path, bodies: list[tuple[bytes, int]], arguments: argparse.Namespace
) -> None:
    """prod moves to version 2 and is rolled back to 1 while a load runs; no request may fail."""
    server = Server(
        store, root / "swap.log", "--max-batch-size", str(arguments.max_batch_size), "--poll-seconds", "0.5"
    )
    outcome: dict[str, LoadResult] = {}
    load = threading.Thread(
        target=lambda: outcome.setdefault(
            "load",
            run_load(server.port, bodies, requests=arguments.requests, concurrency=8, read_versions=True),
        )
    )
    load.start()
    time.sleep(2.0)
    registry(store, "alias", "bench", "prod", "2", "--reason", "benchmark: swap under load")
    moved = time.perf_counter()
    while json.loads(server.get("/v1/model")[1]).get("version") != 2:
        time.sleep(0.1)
    switched = time.perf_counter() - moved
    registry(store, "rollback", "bench", "prod", "--reason", "benchmark: rollback under load")
    while json.loads(server.get("/v1/model")[1]).get("version") != 1:
        time.sleep(0.1)
    load.join()
    code = server.stop()
    result = outcome["load"]
    failed = sum(result.errors.values())
    versions = dict(sorted(result.versions.items()))
    print(
        f"alias swap under load: {len(result.latencies_ms)} requests at concurrency 8, {failed} failed, "
        f"answers by version {versions}, version 2 served {switched:.1f} s after the alias moved "
        "(then rolled back to 1), "
        f"p95 {p95_of(result):.1f} ms, exit code after SIGTERM {code}"
    )


def p95_of(result: LoadResult) -> float:
    from codemill.domain.model_speed import percentile

    return percentile(result.latencies_ms, 95)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--requests", type=int, default=2000)
    options.add_argument(
        "--concurrency", type=lambda text: [int(c) for c in text.split(",")], default=[1, 8, 32]
    )
    options.add_argument("--max-batch-size", type=int, default=32)
    options.add_argument("--max-latency-ms", type=float, default=10.0)
    options.add_argument(
        "--threads", type=int, default=0, help="torch threads in the server (0: its default)"
    )
    options.add_argument("--steps", type=int, default=40)
    options.add_argument("--limit-mb", type=float, default=1.0)
    options.add_argument("--max-length", type=int, default=256)
    options.add_argument("--keep", help="folder that keeps the trained model and texts for the next run")
    arguments = options.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="codemill-bench-serve-") as tmp:
        root = Path(tmp)
        folder, texts = train_small(root, arguments)
        store = root / "store"
        registry(store, "register", str(folder), "--name", "bench", "--alias", "prod")
        registry(store, "register", str(shutil.copytree(folder, root / "v2")), "--name", "bench")
        bodies = request_bodies(texts)
        threads = ["--threads", str(arguments.threads)] if arguments.threads else []
        print(f"server: codemill serve on 127.0.0.1, 1 worker, {os.cpu_count()} CPUs, client in this process")
        print(HEADER)
        results = {}
        for label, size in (
            (
                f"batched (max {arguments.max_batch_size}, {arguments.max_latency_ms:g} ms)",
                arguments.max_batch_size,
            ),
            ("unbatched (max 1)", 1),
        ):
            server = Server(
                store,
                root / f"serve-{size}.log",
                "--max-batch-size",
                str(size),
                "--max-latency-ms",
                str(arguments.max_latency_ms),
                *threads,
            )
            results[size] = measure(server, label, bodies, arguments)
            server.stop()
        top = max(arguments.concurrency)
        batched, unbatched = results[arguments.max_batch_size][top], results[1][top]
        ratio = (len(batched.latencies_ms) / batched.seconds) / (
            len(unbatched.latencies_ms) / unbatched.seconds
        )
        errors = sum(sum(r.errors.values()) for per in results.values() for r in per.values())
        print(
            f"ratio batched/unbatched at concurrency {top}: {ratio:.2f}x (target >= 3x), "
            f"batched p95 {p95_of(batched):.1f} ms (target < 250 ms), failed requests {errors} (target 0)"
        )
        swap_under_load(store, root, bodies, arguments)


if __name__ == "__main__":
    main()
