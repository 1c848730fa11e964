"""Dataset building speed on a corpus of this interpreter's standard library.

Usage: python -m bench.dataset [--limit-mb 4] [--vocab-size 8000]

Collects the standard library's Python files (up to --limit-mb, no security
scan) into a corpus, then builds a generation/summarize and a
classification dataset from it and prints, for each: samples/s of the whole
build, the tokenizer training time, and the baseline of the same run: how
fast the corpus alone is read back (records/s), so the ratio shows what the
dataset step adds on top of reading its input.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.collect import copy_corpus
from codemill.application.collection.collect_data import CollectRequest
from codemill.application.datasets.build_dataset import BuildDatasetRequest
from codemill.domain.dataset import TaskSpec, TaskType
from codemill.presentation.container import Container
from codemill.presentation.settings import Settings, StorageSettings


def read_rate(container: Container, name: str) -> tuple[int, float]:
    started = time.perf_counter()
    count = sum(1 for _ in container.corpora().iter_records(name))
    return count, count / (time.perf_counter() - started)


def tokenizer_seconds(container: Container, texts: list[str], vocab_size: int) -> float:
    started = time.perf_counter()
    container.tokenizers().train(texts, vocab_size=vocab_size)
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--limit-mb", type=float, default=4.0)
    options.add_argument("--vocab-size", type=int, default=8000)
    arguments = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="codemill-bench-") as tmp:
        source = Path(tmp) / "src"
        megabytes = copy_corpus(source, int(arguments.limit_mb * 1e6), []) / 1e6
        container = Container()
        container.settings.override(
            Settings(storage=StorageSettings(root=Path(tmp) / "store"), cache_dir=Path(tmp) / "cache")
        )
        container.collect_data().execute(CollectRequest(sources=[str(source)], name="std", security=False))
        units, records_per_s = read_rate(container, "std")
        print(f"corpus: {megabytes:.2f} MB, {units:,} units; reading it back: {records_per_s:,.0f} records/s")
        texts = [r.unit.code for r in container.corpora().iter_records("std")]
        seconds = tokenizer_seconds(container, texts, arguments.vocab_size)
        print(f"tokenizer training on {len(texts):,} units (vocab {arguments.vocab_size}): {seconds:.2f} s")
        for label, task in (
            ("generation/summarize", TaskSpec(task=TaskType.GENERATION)),
            ("classification/kind", TaskSpec(task=TaskType.CLASSIFICATION, label_field="kind")),
        ):
            request = BuildDatasetRequest(
                name=label.replace("/", "-"), corpus="std", task=task, vocab_size=arguments.vocab_size
            )
            started = time.perf_counter()
            result = container.build_dataset().execute(request)
            elapsed = time.perf_counter() - started
            samples = result.stats.samples
            print(
                f"{label:22s} {samples:6,} samples in {elapsed:6.2f} s = {samples / elapsed:8,.0f} samples/s "
                f"({units / elapsed:8,.0f} units/s, {units / elapsed / records_per_s:.2f} of the read rate)"
            )


if __name__ == "__main__":
    main()
