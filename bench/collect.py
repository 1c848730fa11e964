"""Collection speed and memory on a real corpus: this interpreter's standard library.

Usage: python bench/collect.py [--limit-mb 6] [--workers N] [PATH ...]

Copies the standard library's Python files (up to --limit-mb, test folders
left out) plus any PATH into a temp folder, then prints, measured in the same
run:
- raw tree-sitter parse-only MB/s of the same files (the ceiling);
- Python's `ast.parse` MB/s of the same files, which radon needs, and the
  rate of doing both parses and nothing else: the most collection can reach
  while it computes radon's metrics;
- end-to-end `CollectData` MB/s without security scanning, with 1 and with N
  workers, its ratio to parse-only and the N-worker speed-up;
- the same with bandit on;
- peak RSS of the main process and of the largest worker.
Targets: end to end without bandit >= 50% of parse-only on one worker,
>= 1.7x on 2 workers, peak RSS under 1 GB.
"""

from __future__ import annotations

import argparse
import ast
import os
import resource
import shutil
import sysconfig
import tempfile
import time
from pathlib import Path

from codemill.application.collection.collect_data import CollectRequest
from codemill.domain.code import Language
from codemill.infrastructure.parsing.grammars import parser_for
from codemill.presentation.container import Container
from codemill.presentation.settings import Settings, StorageSettings

_SKIPPED_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__", "lib2to3"}


def copy_corpus(target: Path, limit_bytes: int, extra: list[Path]) -> int:
    root = Path(sysconfig.get_paths()["stdlib"])
    total = 0
    for path in sorted(root.rglob("*.py")):
        if _SKIPPED_DIRS & set(path.relative_to(root).parts) or not path.is_file():
            continue
        size = path.stat().st_size
        if total + size > limit_bytes or size > 1_000_000:
            continue
        destination = target / "stdlib" / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        total += size
    for index, folder in enumerate(extra):
        shutil.copytree(folder, target / f"extra{index}", symlinks=True, dirs_exist_ok=True)
        total += sum(p.stat().st_size for p in (target / f"extra{index}").rglob("*") if p.is_file())
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


def collect_seconds(container: Container, folder: Path, *, workers: int, security: bool, name: str) -> float:
    request = CollectRequest(sources=[str(folder)], name=name, workers=workers, security=security)
    started = time.perf_counter()
    container.collect_data().execute(request)
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--limit-mb", type=float, default=6.0)
    options.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    options.add_argument("paths", nargs="*", type=Path)
    arguments = options.parse_args()

    with tempfile.TemporaryDirectory(prefix="codemill-bench-") as tmp:
        source = Path(tmp) / "src"
        megabytes = copy_corpus(source, int(arguments.limit_mb * 1e6), arguments.paths) / 1e6
        container = Container()
        settings = Settings(storage=StorageSettings(root=Path(tmp) / "store"))
        container.settings.override(settings)
        n = arguments.workers
        print(f"corpus: {megabytes:.2f} MB of source files, workers N={n}")
        parse = megabytes / parse_only_seconds(source)
        print(f"parse-only (tree-sitter, 1 core)        {parse:8.2f} MB/s")
        python_ast = megabytes / ast_parse_seconds(source)
        ceiling = 1 / (1 / parse + 1 / python_ast)
        print(f"ast.parse (radon's input, 1 core)       {python_ast:8.2f} MB/s")
        share = ceiling / parse
        print(f"ceiling: tree-sitter + ast.parse only   {ceiling:8.2f} MB/s  ratio to parse-only {share:.2f}")
        for security in (False, True):
            label = "with bandit" if security else "no bandit  "
            one = megabytes / collect_seconds(container, source, workers=1, security=security, name="b1")
            many = megabytes / collect_seconds(container, source, workers=n, security=security, name="bn")
            print(
                f"collect {label}, 1 worker           {one:8.2f} MB/s  ratio to parse-only {one / parse:.2f}"
            )
            print(f"collect {label}, {n} workers          {many:8.2f} MB/s  speed-up {many / one:.2f}x")
        main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS: main {main_rss:.0f} MB, largest worker {child_rss:.0f} MB")


if __name__ == "__main__":
    main()
