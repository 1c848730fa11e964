"""The encoder-decoder arm of bench.export: PyTorch `generate` against ONNX greedy decoding, fp32 and int8.

Builds a `generation/name` dataset (code with its name masked -> the name)
from the standard library with the real CollectData and BuildDataset,
trains the `tiny` T5 preset on it for --seq2seq-steps steps with TrainModel
(enough for non-empty names), exports it with ExportModel twice (fp32, int8;
each checked on the test split), then generates greedily at batch 1 for
--samples test inputs, at most --new-tokens tokens each, --rounds times: PyTorch
`model.generate` (num_beams 1, its KV cache) against OnnxGreedyDecoder
(encoder, first step, steps with past). Prints latency p50/p95, samples/s,
BLEU-4 (smoothed, 0-100, the generation tasks' metric) and token F1 with
their retention, how many fp32 generations equal PyTorch's, and ratios
(target: ONNX fp32 >= 1.3x PyTorch's throughput at batch 1).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.collect import copy_corpus

Generator = Callable[[dict[str, Any]], list[str]]
DATASET, MODEL = "names", "namer"


def train_generator(root: Path, arguments: argparse.Namespace) -> Any:
    """The stdlib -> generation/name dataset -> `tiny` T5 trained with TrainModel; the container."""
    from codemill.application.collection.collect_data import CollectRequest
    from codemill.application.datasets.build_dataset import BuildDatasetRequest
    from codemill.application.training.train_model import TrainRequest
    from codemill.domain.dataset import TaskSpec, TaskType
    from codemill.domain.training import TrainingConfig
    from codemill.presentation.container import Container
    from codemill.presentation.settings import Settings, StorageSettings

    container = Container()
    container.settings.override(
        Settings(storage=StorageSettings(root=root / "store"), cache_dir=root / "cache", work_dir=root)
    )
    if (root / "store" / "models" / MODEL / "manifest.json").is_file():
        print(f"model: preset tiny (T5), reused from {root}")
        return container
    copy_corpus(root / "src", int(arguments.limit_mb * 1e6), [])
    container.collect_data().execute(CollectRequest(sources=[str(root / "src")], name="std", security=False))
    task = TaskSpec(task=TaskType.GENERATION, subtask="name")
    build = BuildDatasetRequest(
        name=DATASET, corpus="std", task=task, vocab_size=2000, max_input_length=128, max_target_length=16
    )
    print(f"dataset: {container.build_dataset().execute(build).stats.samples:,} samples, generation/name")
    config = TrainingConfig(
        model="tiny",
        max_steps=arguments.seq2seq_steps,
        batch_size=16,
        learning_rate=3e-3,
        eval_every=arguments.seq2seq_steps,
        max_input_length=128,
        max_target_length=16,
        generation_max_length=arguments.new_tokens,
        max_eval_samples=64,
    )
    started = time.perf_counter()
    result = container.train_model().execute(TrainRequest(dataset=DATASET, name=MODEL, config=config))
    print(
        f"model: preset tiny (T5), {arguments.seq2seq_steps} steps in {time.perf_counter() - started:.0f} s, "
        f"test bleu4 {result.metrics.get('bleu4', 0.0):.2f}"
    )
    return container


def export_both(container: Any, root: Path) -> dict[str, Path]:
    from codemill.application.export.export_model import ExportModelRequest

    folders = {}
    for quantization in ("none", "int8"):
        started = time.perf_counter()
        request = ExportModelRequest(model=MODEL, quantization=quantization, dataset=DATASET)
        result = container.export_model().execute(request)
        parity = result.parity
        print(
            f"export {quantization:>4}: {time.perf_counter() - started:.1f} s, "
            f"graphs {result.graph_bytes / 1e6:.2f} MB, parity on {parity.samples} test samples: "
            f"first-step max|diff| {parity.max_abs_diff:.2e}, generations identical "
            f"{parity.label_agreement:.4f}, {parity.metric} retention {parity.retention:.4f}"
        )
        folders[quantization] = root / "store" / "models" / result.name
    return folders


def measure(
    generators: dict[str, Generator], singles: list[dict[str, Any]], targets: list[str], rounds: int
) -> list[dict[str, Any]]:
    """Each generator over every sample `rounds` times, the order rotated each round; median rates."""
    names = list(generators)
    timings: dict[str, list[float]] = {name: [] for name in names}
    rates: dict[str, list[float]] = {name: [] for name in names}
    texts: dict[str, list[str]] = {}
    for index in range(rounds):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            for batch in singles[:3]:
                generators[name](batch)
            texts[name], round_timings = [], []
            for batch in singles:
                start = time.perf_counter()
                texts[name] += generators[name](batch)
                round_timings.append((time.perf_counter() - start) * 1000.0)
            timings[name] += round_timings
            rates[name].append(len(singles) / (sum(round_timings) / 1000.0))
    return [figures(name, timings[name], rates[name], texts[name], targets) for name in names]


def figures(
    name: str, timings: list[float], rates: list[float], texts: list[str], targets: list[str]
) -> dict[str, Any]:
    from codemill.domain.evaluation_metrics import smoothed_bleu4, token_f1
    from codemill.domain.model_speed import percentile

    return {
        "model": name,
        "p50_ms": percentile(timings, 50),
        "p95_ms": percentile(timings, 95),
        "per_s_b1": statistics.median(rates),
        "rounds": len(rates),
        "bleu4": smoothed_bleu4(targets, texts),
        "token_f1": token_f1(targets, texts),
        "texts": texts,
    }


def run(arguments: argparse.Namespace, root: Path, threads: int) -> None:
    import torch
    import transformers

    transformers.logging.set_verbosity_error()  # 'max_new_tokens and max_length both set', every call

    from codemill.infrastructure.export.seq2seq_export import OnnxGreedyDecoder
    from codemill.infrastructure.export.torch_onnx_model_exporter import onnx_session
    from codemill.infrastructure.inference.model_folder import open_model_folder
    from codemill.infrastructure.training.encoding import load_splits

    container = train_generator(root, arguments)
    folders = export_both(container, root)
    loaded = open_model_folder(container.model_resolver().resolve(MODEL).folder, device="cpu")
    test = load_splits(str(container.datasets().local_copy(DATASET)))["test"]
    count = min(arguments.samples, len(test))
    texts, targets = list(test["text"][:count]), [str(t) for t in test["target"][:count]]
    singles = [loaded.encode([text]) for text in texts]
    tokens = arguments.new_tokens
    torch.set_num_threads(threads)

    def torch_generate(batch: dict[str, Any]) -> list[str]:
        with torch.inference_mode():
            ids = loaded.model.generate(**batch, max_new_tokens=tokens, do_sample=False, num_beams=1)
        return [t.strip() for t in loaded.tokenizer.batch_decode(ids, skip_special_tokens=True)]

    generators: dict[str, Generator] = {"pytorch fp32": torch_generate}
    for quantization, label in (("none", "onnx fp32"), ("int8", "onnx int8")):
        decoder = OnnxGreedyDecoder(
            folders[quantization], loaded.model.config, lambda path: onnx_session(path, threads=threads)
        )

        def onnx_generate(batch: dict[str, Any], decoder: Any = decoder) -> list[str]:
            ids, _ = decoder.generate(batch["input_ids"].numpy(), batch["attention_mask"].numpy(), tokens)
            return [t.strip() for t in loaded.tokenizer.batch_decode(ids, skip_special_tokens=True)]

        generators[label] = onnx_generate
    rows = measure(generators, singles, targets, arguments.rounds)
    report(rows, count, threads, tokens)


def report(rows: list[dict[str, Any]], count: int, threads: int, tokens: int) -> None:
    base = rows[0]
    empty = sum(not text for text in base["texts"])
    print(
        f"\nseq2seq, CPU, {threads} threads, {count} test samples at batch 1, greedy, "
        f"<= {tokens} new tokens, "
        f"median of {base['rounds']} rounds (PyTorch: {empty} empty generations of {count}):"
    )
    print(
        f"{'model':<14}{'p50 ms':>9}{'p95 ms':>9}{'b1 /s':>9}{'bleu4':>8}{'tokF1':>8}"
        f"{'b1 x':>7}{'bleu kept':>10}{'same text':>10}"
    )
    for row in rows:
        kept = row["bleu4"] / base["bleu4"] if base["bleu4"] else 1.0
        same = sum(a == b for a, b in zip(row["texts"], base["texts"], strict=True)) / count
        print(
            f"{row['model']:<14}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}{row['per_s_b1']:>9.1f}"
            f"{row['bleu4']:>8.2f}{row['token_f1']:>8.4f}{row['per_s_b1'] / base['per_s_b1']:>7.2f}"
            f"{kept:>10.4f}{same:>10.4f}"
        )
    speedup = rows[1]["per_s_b1"] / base["per_s_b1"]
    verdict = "met" if speedup >= 1.3 else "NOT met"
    print(f"\ntarget ONNX fp32 greedy >= 1.3x PyTorch generate at batch 1: {speedup:.2f}x: {verdict}")
