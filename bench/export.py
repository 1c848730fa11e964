"""PyTorch fp32 against ONNX fp32 and ONNX int8 (`codemill export`): CPU latency, throughput, quality.

Usage: python -m bench.export [--arm classifier|seq2seq|both] [--steps 40] [--limit-mb 1.0]
                              [--max-length 256] [--samples 200] [--rounds 3] [--threads 0]
                              [--seq2seq-steps 300] [--new-tokens 16] [--seq2seq-root DIR]

Builds a classification dataset from the standard library and trains the
`small` preset on it for --steps steps (as bench.serve does), then exports it
with the real ExportModel use case twice (fp32, then --quantize int8), each
checked for parity on the dataset's test split. Times the three on the CPU
with the same token ids: latency p50/p95 at batch 1 over --samples test
units, throughput at batch 1 and batch 16 (the median of --rounds rounds,
the models' order rotated each round); scores accuracy and macro-F1 on
the test split. Prints the figures and each one's ratio to PyTorch (target:
int8 >= 2x PyTorch's throughput at batch 1, keeping >= 99% of its accuracy).
The seq2seq arm (bench/export_seq2seq.py) compares greedy generation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import export_seq2seq
from bench.serve import train_small
from codemill.domain.export import Quantization

Runner = Callable[[dict[str, Any]], Any]
QUANTIZATIONS: tuple[Quantization, ...] = ("none", "int8")


def timed(run: Runner, batches: list[dict[str, Any]]) -> tuple[list[float], float]:
    """Milliseconds per call (after 3 warm-up calls), and samples per second over all calls."""
    for batch in batches[:3]:
        run(batch)
    timings = []
    for batch in batches:
        start = time.perf_counter()
        run(batch)
        timings.append((time.perf_counter() - start) * 1000.0)
    samples = sum(int(batch["input_ids"].shape[0]) for batch in batches)
    return timings, samples / (sum(timings) / 1000.0)


def measure(
    runners: dict[str, tuple[Runner, Callable[[], Any]]],
    singles: list[dict[str, Any]],
    batches: list[dict[str, Any]],
    labels: list[int],
    rounds: int,
) -> list[dict[str, Any]]:
    """Each runner timed `rounds` times, the order rotated each round; medians of the rates."""
    timings: dict[str, tuple[list[float], list[float], list[float]]] = {n: ([], [], []) for n in runners}
    names = list(runners)
    for index in range(rounds):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            latencies, single_rate = timed(runners[name][0], singles)
            _, batch_rate = timed(runners[name][0], batches)
            timings[name][0].extend(latencies)
            timings[name][1].append(single_rate)
            timings[name][2].append(batch_rate)
    return [figures(name, timings[name], runners[name][1](), labels) for name in names]


def figures(
    name: str, timings: tuple[list[float], list[float], list[float]], logits: Any, labels: list[int]
) -> dict[str, Any]:
    from codemill.domain.evaluation_metrics import accuracy, macro_f1
    from codemill.domain.model_speed import percentile

    predicted = [int(i) for i in logits.argmax(-1)]
    return {
        "model": name,
        "p50_ms": percentile(timings[0], 50),
        "p95_ms": percentile(timings[0], 95),
        "per_s_b1": statistics.median(timings[1]),
        "per_s_b16": statistics.median(timings[2]),
        "rounds_b1": timings[1],
        "accuracy": accuracy(labels, predicted),
        "macro_f1": macro_f1(labels, predicted),
    }


def run(arguments: argparse.Namespace, threads: int) -> None:
    import numpy as np
    import torch

    from codemill.application.export.export_model import ExportModelRequest
    from codemill.infrastructure.export.torch_onnx_model_exporter import onnx_session
    from codemill.infrastructure.inference.model_folder import open_model_folder
    from codemill.infrastructure.training.encoding import load_splits
    from codemill.presentation.container import Container
    from codemill.presentation.settings import Settings, StorageSettings

    with tempfile.TemporaryDirectory(prefix="codemill-bench-export-") as tmp:
        root = Path(tmp)
        folder, _ = train_small(root, arguments)
        container = Container()
        settings = Settings(
            storage=StorageSettings(root=root / "store"), cache_dir=root / "cache", work_dir=root
        )
        container.settings.override(settings)
        exported = {}
        for quantization in QUANTIZATIONS:
            started = time.perf_counter()
            request = ExportModelRequest(model=str(folder), quantization=quantization, dataset="kinds")
            result = container.export_model().execute(request)
            parity = result.parity
            print(
                f"export {quantization:>4}: {time.perf_counter() - started:.1f} s, "
                f"graph {result.graph_bytes / 1e6:.2f} MB, "
                f"parity on {parity.samples} test samples: max|diff| {parity.max_abs_diff:.2e}, "
                f"label agreement {parity.label_agreement:.4f}, "
                f"{parity.metric} retention {parity.retention:.4f}"
            )
            exported[quantization] = root / "store" / "models" / result.name / "model.onnx"

        loaded = open_model_folder(str(folder), device="cpu")
        dataset = Path(container.datasets().local_copy("kinds"))
        test = load_splits(str(dataset))["test"]
        count = min(arguments.samples, len(test))
        texts, labels = list(test["text"][:count]), [int(x) for x in test["label"][:count]]
        singles = [loaded.encode([text]) for text in texts]
        batches = [loaded.encode(texts[i : i + 16]) for i in range(0, count, 16)]
        torch.set_num_threads(threads)

        def torch_run(batch: dict[str, Any]) -> Any:
            with torch.inference_mode():
                return loaded.model(**batch).logits

        def torch_logits() -> Any:
            return np.concatenate([torch_run(b).numpy() for b in batches])

        runners: dict[str, tuple[Runner, Callable[[], Any]]] = {"pytorch fp32": (torch_run, torch_logits)}
        for quantization, label in (("none", "onnx fp32"), ("int8", "onnx int8")):
            session = onnx_session(str(exported[quantization]), threads=threads)

            def onnx_run(batch: dict[str, Any], session: Any = session) -> Any:
                feeds = {k: batch[k].numpy() for k in ("input_ids", "attention_mask")}
                return session.run(["logits"], feeds)[0]

            def onnx_logits(onnx_run: Runner = onnx_run) -> Any:
                return np.concatenate([onnx_run(b) for b in batches])

            runners[label] = (onnx_run, onnx_logits)
        rows = measure(runners, singles, batches, labels, arguments.rounds)
        report(rows, count, threads)


def report(rows: list[dict[str, Any]], count: int, threads: int) -> None:
    base = rows[0]
    rounds = len(base["rounds_b1"])
    print(
        f"\nCPU, {threads} threads, {count} test samples (batch 1) and batches of 16, "
        f"median of {rounds} rounds:"
    )
    print(
        f"{'model':<14}{'p50 ms':>9}{'p95 ms':>9}{'b1 /s':>9}{'b16 /s':>9}{'acc':>8}{'macroF1':>9}"
        f"{'b1 x':>7}{'b16 x':>7}{'acc kept':>10}"
    )
    for row in rows:
        kept = row["accuracy"] / base["accuracy"] if base["accuracy"] else 1.0
        print(
            f"{row['model']:<14}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}{row['per_s_b1']:>9.0f}"
            f"{row['per_s_b16']:>9.0f}{row['accuracy']:>8.4f}{row['macro_f1']:>9.4f}"
            f"{row['per_s_b1'] / base['per_s_b1']:>7.2f}"
            f"{row['per_s_b16'] / base['per_s_b16']:>7.2f}{kept:>10.4f}"
        )
    int8 = rows[-1]
    speedup = int8["per_s_b1"] / base["per_s_b1"]
    kept = int8["accuracy"] / base["accuracy"] if base["accuracy"] else 1.0
    verdict = "met" if speedup >= 2.0 and kept >= 0.99 else "NOT met"
    print(
        "\ntarget int8 >= 2x PyTorch at batch 1 with >= 99% accuracy: "
        f"{speedup:.2f}x, {kept:.2%} kept: {verdict}"
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--steps", type=int, default=40)
    options.add_argument("--limit-mb", type=float, default=1.0)
    options.add_argument("--max-length", type=int, default=256)
    options.add_argument("--samples", type=int, default=200)
    options.add_argument("--rounds", type=int, default=3, help="timing rounds per model, interleaved")
    options.add_argument(
        "--threads", type=int, default=0, help="torch and ONNX Runtime threads (0: all cores)"
    )
    options.add_argument("--arm", choices=("classifier", "seq2seq", "both"), default="both")
    options.add_argument("--seq2seq-steps", type=int, default=300)
    options.add_argument("--new-tokens", type=int, default=16)
    options.add_argument("--seq2seq-root", help="keep the seq2seq data and model here; reused when present")
    arguments = options.parse_args()
    arguments.keep = None  # train_small's reuse keeps no dataset, which the parity check needs
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    threads = arguments.threads or os.cpu_count() or 1
    if arguments.arm in ("classifier", "both"):
        run(arguments, threads)
    if arguments.arm in ("seq2seq", "both") and arguments.seq2seq_root:
        export_seq2seq.run(arguments, Path(arguments.seq2seq_root), threads)
    elif arguments.arm in ("seq2seq", "both"):
        with tempfile.TemporaryDirectory(prefix="codemill-bench-export-") as tmp:
            export_seq2seq.run(arguments, Path(tmp), threads)


if __name__ == "__main__":
    main()
