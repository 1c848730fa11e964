"""Collection speed and memory on a real corpus: this interpreter's standard library.

Usage: python -m bench.collect [--limit-mb 3] [--scale-mb 30] [--extra-mb 120]
                               [--workers 2] [--executor local|ray|both] [PATH ...]

Copies the standard library's Python files (up to --limit-mb, test folders
left out) plus any PATH into a temp folder, then prints, measured in the same
run (a small collection runs first, so imports are not timed):
- raw tree-sitter parse-only MB/s of the same files (the ceiling), Python's
  `ast.parse` MB/s (radon's input) and the rate of doing both;
- end-to-end `CollectData` MB/s without security scanning on one worker,
  with `--metrics full` (radon) and `--metrics fast`, and their ratios to
  parse-only (targets: full at least twice the 0.05 measured before this
  benchmark's metrics and dedup work, i.e. >= 0.10; fast >= 0.25);
- the same with bandit on;
- on --scale-mb of the standard library: 1 and N workers on the local pool
  and on Ray (targets: N=2 at least 1.7x one worker; Ray at least 0.9x the
  local pool on the same CPUs);
- the driver's peak RSS, each collection in a process of its own, on the
  --scale-mb corpus and on it plus --extra-mb of the installed site-packages
  (target: within 10% of each other).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from dependency_injector import providers

from codemill.application.collection.collect_data import CollectRequest
from codemill.domain.code import Language
from codemill.infrastructure.executors.process_pool import ProcessPoolParallelExecutor
from codemill.infrastructure.parsing.grammars import parser_for
from codemill.presentation.container import Container
from codemill.presentation.settings import Settings, StorageSettings

_SKIPPED_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__", "lib2to3"}
_WHOLE_STDLIB = frozenset({"site-packages", "__pycache__"})  # the scaling corpus keeps the test suites


def copy_corpus(target: Path, limit_bytes: int, extra: list[Path]) -> int:
    total = copy_python_files(Path(sysconfig.get_paths()["stdlib"]), target / "stdlib", limit_bytes)
    for index, folder in enumerate(extra):
        shutil.copytree(folder, target / f"extra{index}", symlinks=True, dirs_exist_ok=True)
        total += sum(p.stat().st_size for p in (target / f"extra{index}").rglob("*") if p.is_file())
    return total


def copy_python_files(
    root: Path, target: Path, limit_bytes: int, skipped: frozenset[str] = frozenset(_SKIPPED_DIRS)
) -> int:
    """The .py files under `root` in path order, up to the limit (tests and files over 1 MB left out)."""
    total = 0
    for path in sorted(root.rglob("*.py")):
        if skipped & set(path.relative_to(root).parts) or not path.is_file():
            continue
        size = path.stat().st_size
        if total + size > limit_bytes or size > 1_000_000:
            continue
        destination = target / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        total += size
    return total


def ast_parse_seconds(folder: Path) -> float:
    """Python's own parser on the same files: radon works on its tree, so collection pays for it too."""
    blobs = [p.read_bytes() for p in sorted(folder.rglob("*.py"))]
    started = time.perf_counter()
    for blob in blobs:
        try:
            ast.parse(blob)
        except (SyntaxError, ValueError):
            continue
    return time.perf_counter() - started


def parse_only_seconds(folder: Path) -> float:
    parser = parser_for(Language.PYTHON)
    blobs = [p.read_bytes() for p in sorted(folder.rglob("*.py"))]
    started = time.perf_counter()
    for blob in blobs:
        parser.parse(blob)
    return time.perf_counter() - started


def collect_seconds(container: Container, folder: Path, name: str, **request: object) -> float:
    started = time.perf_counter()
    request = {"overwrite": True, **request}  # each arm reuses its name
    container.collect_data().execute(CollectRequest(sources=[str(folder)], name=name, **request))  # type: ignore[arg-type]
    return time.perf_counter() - started


def driver_run(source: Path, store: Path, *, workers: int, executor: str) -> dict[str, float]:
    """A collection in a process of its own: its seconds, bytes and driver peak RSS."""
    command = [sys.executable, "-m", "bench.collect_driver", str(source), str(store)]
    command += ["--workers", str(workers), "--executor", executor]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def per_core(container: Container, source: Path, megabytes: float, n: int) -> None:
    parse = megabytes / parse_only_seconds(source)
    print(f"parse-only (tree-sitter, 1 core)          {parse:8.2f} MB/s")
    python_ast = megabytes / ast_parse_seconds(source)
    ceiling = 1 / (1 / parse + 1 / python_ast)
    print(f"ast.parse (radon's input, 1 core)         {python_ast:8.2f} MB/s")
    print(
        f"tree-sitter + ast.parse only              {ceiling:8.2f} MB/s  "
        f"ratio to parse-only {ceiling / parse:.2f}"
    )
    for metrics, target in (("full", 0.10), ("fast", 0.25)):
        rate = megabytes / collect_seconds(container, source, "m", workers=1, security=False, metrics=metrics)
        ratio = rate / parse
        print(
            f"collect --metrics {metrics}, no bandit, 1 worker {rate:6.2f} MB/s  ratio to parse-only "
            f"{ratio:.3f} (target >= {target}; before: 0.05) {'met' if ratio >= target else 'falls short'}"
        )
    one = megabytes / collect_seconds(container, source, "b1", workers=1, security=True)
    many = megabytes / collect_seconds(container, source, "bn", workers=n, security=True)
    print(f"collect with bandit, 1 worker             {one:8.2f} MB/s  ratio to parse-only {one / parse:.3f}")
    print(f"collect with bandit, {n} workers            {many:8.2f} MB/s  speed-up {many / one:.2f}x")


class WarmPool(ProcessPoolParallelExecutor):
    """The local pool kept up between collections, as Ray keeps its workers: start-up is timed apart."""

    def close(self) -> None:
        """Kept open; `shutdown` closes it."""

    def shutdown(self) -> None:
        super().close()


def scaling(container: Container, source: Path, megabytes: float, n: int, executors: list[str]) -> None:
    """Workers started before timing (a small collection first): a pool's or Ray's start-up is not per MB.

    A collection closes its local pool at its end; here the pool is kept warm, as Ray keeps its workers,
    and the start-up (processes spawned, libraries imported, a small collection) is printed apart.
    """
    pool = WarmPool(batch_size=1)
    container.local_executor.override(providers.Object(pool))
    print(f"scaling on {megabytes:.1f} MB, no bandit, --metrics full, warm workers:")
    rates: dict[str, float] = {}
    warm_up = next(source.rglob("json")) if any(source.rglob("json")) else source
    for executor in executors:
        started = time.perf_counter()
        collect_seconds(container, warm_up, "warm", workers=n, security=False, executor=executor)
        print(f"  {executor:5}: start-up and a small collection {time.perf_counter() - started:.1f} s")
        one = megabytes / collect_seconds(
            container, source, "s1", workers=1, security=False, executor=executor
        )
        many = megabytes / collect_seconds(
            container, source, "sn", workers=n, security=False, executor=executor
        )
        rates[executor] = many
        speedup = many / one
        print(
            f"  {executor:5}: 1 worker {one:6.2f} MB/s, {n} workers {many:6.2f} MB/s, "
            f"speed-up {speedup:.2f}x "
            f"(target >= 1.7x) {'met' if speedup >= 1.7 else 'falls short'}"
        )
    container.local_executor.reset_override()
    pool.shutdown()
    if "local" in rates and "ray" in rates:
        ratio = rates["ray"] / rates["local"]
        print(
            f"  ray / local at {n} workers: {ratio:.2f}x "
            f"(target >= 0.9x) {'met' if ratio >= 0.9 else 'falls short'}"
        )


def driver_memory(tmp: Path, scale: Path, extra_mb: float, n: int, executor: str) -> None:
    bigger = tmp / "bigger"
    shutil.copytree(scale, bigger / "stdlib")
    added = copy_python_files(
        Path(sysconfig.get_paths()["purelib"]), bigger / "packages", int(extra_mb * 1e6)
    )
    runs = [
        driver_run(folder, tmp / f"store-{i}", workers=n, executor=executor)
        for i, folder in enumerate((scale, bigger))
    ]
    small, large = (run["driver_peak_mb"] for run in runs)
    change = large / small - 1
    print(
        f"driver peak RSS ({executor}, {n} workers): {runs[0]['bytes'] / 1e6:.0f} MB corpus {small:.0f} MB; "
        f"{runs[1]['bytes'] / 1e6:.0f} MB corpus (+{added / 1e6:.0f} MB site-packages) {large:.0f} MB: "
        f"{change:+.1%} (target within 10%) {'met' if abs(change) <= 0.10 else 'falls short'}"
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--limit-mb", type=float, default=3.0, help="corpus of the per-core figures")
    options.add_argument(
        "--scale-mb", type=float, default=30.0, help="corpus of the scaling figures (0: skip)"
    )
    options.add_argument(
        "--extra-mb", type=float, default=120.0, help="site-packages added for the RSS figure"
    )
    options.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    options.add_argument("--executor", choices=["local", "ray", "both"], default="both")
    options.add_argument("paths", nargs="*", type=Path)
    arguments = options.parse_args()
    executors = ["local", "ray"] if arguments.executor == "both" else [arguments.executor]

    with tempfile.TemporaryDirectory(prefix="codemill-bench-") as tmp:
        root = Path(tmp)
        source = root / "src"
        megabytes = copy_corpus(source, int(arguments.limit_mb * 1e6), arguments.paths) / 1e6
        container = Container()
        container.settings.override(Settings(storage=StorageSettings(root=root / "store")))
        n = arguments.workers
        print(f"corpus: {megabytes:.2f} MB of source files, workers N={n}")
        collect_seconds(container, source, "warm-up", workers=1, security=True, dedup=True)
        per_core(container, source, megabytes, n)
        if arguments.scale_mb > 0:
            scale = root / "scale"
            scale_mb = copy_python_files(
                Path(sysconfig.get_paths()["stdlib"]), scale, int(arguments.scale_mb * 1e6)
            )
            scaling(container, scale, scale_mb / 1e6, n, executors)
            driver_memory(root, scale, arguments.extra_mb, n, executors[-1])
        main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process: {main_rss:.0f} MB")


if __name__ == "__main__":
    main()
