"""Collection speed against raw tree-sitter parsing, on this interpreter's standard library.

Usage: python bench/parse.py [--limit-mb 15] [--rounds 5]

Prints parse-only MB/s (tree-sitter parsing the bytes), extract MB/s
(TreeSitterCodeParser.extract end to end: encoding, parsing with the
timeout, the query, building every unit) and their ratio. Each figure is the
best of several rounds, on one core.
"""

from __future__ import annotations

import argparse
import sysconfig
import time
from pathlib import Path

from codemill.domain.code import Language, SourceFile
from codemill.infrastructure.parsing import TreeSitterCodeParser
from codemill.infrastructure.parsing.grammars import parser_for

_SKIPPED_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__"}


def stdlib_files(limit_bytes: int) -> list[SourceFile]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files: list[SourceFile] = []
    total = 0
    for path in sorted(root.rglob("*.py")):
        if _SKIPPED_DIRS & set(path.relative_to(root).parts) or total >= limit_bytes:
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        files.append(SourceFile(path=str(path.relative_to(root)), language=Language.PYTHON, text=text))
        total += len(text.encode("utf-8", "surrogateescape"))
    return files


def best_seconds(runs: list, rounds: int) -> list[float]:
    """The best time of each run over `rounds`, alternating runs so that load spikes hit all alike."""
    best = [float("inf")] * len(runs)
    for _ in range(rounds):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            run()
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--limit-mb", type=float, default=15.0)
    options.add_argument("--rounds", type=int, default=5)
    arguments = options.parse_args()

    files = stdlib_files(int(arguments.limit_mb * 1_000_000))
    encoded = [file.text.encode("utf-8", "surrogateescape") for file in files]
    megabytes = sum(map(len, encoded)) / 1_000_000
    parser = parser_for(Language.PYTHON)
    extractor = TreeSitterCodeParser()
    extractor.extract(files[0])

    def parse_only() -> None:
        for data in encoded:
            parser.parse(data)

    units = 0

    def extract_all() -> None:
        nonlocal units
        units = sum(len(extractor.extract(file).units) for file in files)

    parse_s, extract_s = best_seconds([parse_only, extract_all], arguments.rounds)
    print(f"files: {len(files)}  size: {megabytes:.1f} MB  units: {units}")
    print(f"parse-only: {megabytes / parse_s:.2f} MB/s")
    print(f"extract:    {megabytes / extract_s:.2f} MB/s")
    print(f"ratio:      {parse_s / extract_s:.2f}")


if __name__ == "__main__":
    main()
