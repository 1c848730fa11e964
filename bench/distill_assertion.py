"""Distillation on assertion generation: plain KL against the trident losses, and a student without a teacher.

Usage: python -m bench.distill --task assertion [--tests test_asyncio|all] [--limit-mb 1.0]
                               [--max-samples 2400] [--vocab-size 4000]
                               [--max-input-length 192] [--max-target-length 48]
                               [--teacher mini] [--teacher-steps 600] [--teacher-lr 3e-3]
                               [--student micro] [--steps 300] [--batch-size 16] [--lr 3e-3]
                               [--seeds 1,2] [--threads 1]

Builds a `generation/assertion` dataset with the real CollectData and
BuildDataset from this interpreter's own tests: the files of one package
of `Lib/test` (`--tests test_asyncio`, testing the package `asyncio`) or,
with `--tests all`, the top-level `Lib/test/test_*.py` files (`test_foo.py`
testing `foo.py` or the package `foo/`), smallest first up to --limit-mb,
plus the standard-library code they test; one sample per assertion, the
focal function appended. It trains the teacher once with TrainModel, then
four arms, each with the same student preset, the same budget (steps,
batch size, learning rate, schedule) and each seed of --seeds, scored on
the same test split:

- `kl`: DistillModel with its default losses, ce 0.5 + kl 0.5 (teacher
  outputs computed once, then cached);
- `trident`: DistillModel with the loss preset `trident` (focal, jsd and
  semantic, scheduled linearly; the teacher runs beside the student);
- `trident+contrastive`: the preset `trident+contrastive`;
- `no-teacher`: TrainModel on the hard labels alone, the baseline.

Prints per arm the mean and the spread over the seeds (half the min-max
range) of exact_match, bleu4 (smoothed, 0-100), ast_validity,
ngram_similarity and token_f1 on the test split, the parameters and the
CPU latency p50 at batch 1 (generating 16 tokens; from the distillation
report, and for the no-teacher arm from the same profiler); the teacher's
row; every arm's ratio to the no-teacher arm of the same run; and whether
each trident arm beat plain kl on exact_match and on bleu4, and whether
the two arms' ranges over the seeds overlap. Elapsed time is printed per
run and per arm. Each DistillModel run also scores the teacher on the test
split for its report, and the first `kl` run computes the teacher's
cached outputs: both count in those arms' time.

The defaults fit 15-25 minutes on 2 cores with one torch thread. They
were chosen because the first ones tried taught nothing that could be
compared: with every top-level test file (1.5 MB, 3,000 samples, input
256) a `mini` teacher trained 800 steps at 1e-3 (14 minutes here) still
had exact_match 0 on the test split. One package's tests repeat their
idioms (`with self.assertRaises(asyncio.CancelledError):`), so 23% of
test_asyncio's test assertions also occur in its training split, against
4.5% over all the files; inputs cut to 192 tokens keep the `<mask>` in 76%
of them (256: 86%) and make every step cheaper. Even so, this
budget leaves exact_match near 0: read bleu4, ngram_similarity and
ast_validity for the differences, and the spread before any of them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sysconfig
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from codemill.application.collection.collect_data import CollectRequest
from codemill.application.datasets.build_dataset import BuildDatasetRequest
from codemill.application.distillation.distill_model import DistillRequest
from codemill.application.training.train_model import TrainRequest
from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.distillation import DistillationConfig
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.training import TrainingConfig
from codemill.presentation.container import Container
from codemill.presentation.settings import Settings, StorageSettings

TASK = TaskSpec(task=TaskType.GENERATION, subtask="assertion")
DATASET = "asserts"
METRICS = ("exact_match", "bleu4", "ast_validity", "ngram_similarity", "token_f1")
ARMS: Mapping[str, DistillationConfig | None] = {
    "kl": DistillationConfig(),
    "trident": DistillationConfig(preset="trident"),
    "trident+contrastive": DistillationConfig(preset="trident+contrastive"),
    "no-teacher": None,
}
BASELINE = "no-teacher"
_MAX_TEST_FILE = 120_000  # bytes: the largest test files are long, generated or data-driven


@dataclass(frozen=True, kw_only=True)
class Run:
    """One trained model's test metrics, size and CPU latency (p50 per sample at batch 1)."""

    metrics: Mapping[str, float]
    parameters: int
    latency_ms: float
    seconds: float


@dataclass(frozen=True, kw_only=True)
class Copied:
    test_files: int
    test_bytes: int
    modules: int
    module_bytes: int


def copy_tests(target: Path, tests: str, limit_bytes: int) -> Copied:
    """Test files (smallest first, up to limit_bytes) to target/test, the modules they test to target/lib.

    `tests` is 'all' (the top-level `test_*.py` files, `test_foo.py` testing
    `foo`) or one package of Lib/test (`test_asyncio`, testing `asyncio`).
    """
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    kept: list[Path] = []
    room = limit_bytes
    for test in sorted(_test_files(stdlib / "test", tests), key=_size_then_name):
        size = test.stat().st_size
        if size <= min(room, _MAX_TEST_FILE):
            kept.append(test)
            room -= size
    tested = sorted({module for test in kept for module in _tested_by(stdlib, _tested_name(test, tests))})
    for path in kept:
        shutil.copyfile(path, _destination(target / path.relative_to(stdlib)))
    for path in tested:
        shutil.copyfile(path, _destination(target / "lib" / path.relative_to(stdlib)))
    return Copied(
        test_files=len(kept),
        test_bytes=sum(p.stat().st_size for p in kept),
        modules=len(tested),
        module_bytes=sum(p.stat().st_size for p in tested),
    )


def _test_files(folder: Path, tests: str) -> list[Path]:
    if tests == "all":
        return [path for path in folder.glob("test_*.py") if path.is_file()]
    if not (folder / tests / "__init__.py").is_file():
        raise SystemExit(f"--tests {tests!r}: no package {folder / tests}; give 'all' or e.g. test_asyncio")
    return [path for path in (folder / tests).rglob("*.py") if "__pycache__" not in path.parts]


def _tested_name(test: Path, tests: str) -> str:
    return (test.stem if tests == "all" else tests).removeprefix("test_")


def _size_then_name(path: Path) -> tuple[int, str]:
    return path.stat().st_size, str(path)


def _tested_by(stdlib: Path, name: str) -> list[Path]:
    """`foo` -> stdlib/foo.py, or the Python files of the package stdlib/foo/ (its tests left out)."""
    if (stdlib / f"{name}.py").is_file():
        return [stdlib / f"{name}.py"]
    package = stdlib / name
    if not (package / "__init__.py").is_file():
        return []
    files = package.rglob("*.py")
    return sorted(p for p in files if not {"test", "tests", "__pycache__"} & set(p.relative_to(stdlib).parts))


def _destination(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def build_assertions(root: Path, arguments: argparse.Namespace) -> None:
    """Tests and their modules -> a corpus -> the generation/assertion dataset DATASET."""
    copied = copy_tests(root / "src", arguments.tests, int(arguments.limit_mb * 1e6))
    container = container_for(root)
    started = time.perf_counter()
    container.collect_data().execute(
        CollectRequest(sources=[str(root / "src")], name="tests", security=False)
    )
    request = BuildDatasetRequest(
        name=DATASET,
        corpus="tests",
        task=TASK,
        vocab_size=arguments.vocab_size,
        max_input_length=arguments.max_input_length,
        max_target_length=arguments.max_target_length,
        max_samples=arguments.max_samples,
    )
    stats = container.build_dataset().execute(request).stats
    lengths = stats.tokens.by_field()
    print(
        f"corpus: {copied.test_files} test files of {arguments.tests} ({copied.test_bytes / 1e6:.2f} MB) + "
        f"{copied.modules} files they test ({copied.module_bytes / 1e6:.2f} MB); "
        f"collected and built in {time.perf_counter() - started:.0f} s"
    )
    splits = ", ".join(f"{name} {count:,}" for name, count in stats.splits.items())
    print(f"dataset: {stats.samples:,} assertion samples ({splits}), vocab {arguments.vocab_size}")
    for field, summary in lengths.items():
        print(f"  {field} tokens: p50 {summary.p50}, p95 {summary.p95}, {summary.truncated:,} truncated")


def container_for(root: Path) -> Container:
    container = Container()
    container.settings.override(
        Settings(
            storage=StorageSettings(root=root / "store"), cache_dir=root / "cache", work_dir=root / "work"
        )
    )
    return container


def budget(
    arguments: argparse.Namespace, model: str, learning_rate: float, steps: int, seed: int
) -> TrainingConfig:
    """One evaluation (and checkpoint) at the end: the final model is the one scored on the test split."""
    return TrainingConfig(
        model=model,
        max_steps=steps,
        batch_size=arguments.batch_size,
        eval_batch_size=64,
        learning_rate=learning_rate,
        warmup=0.1,
        eval_every=steps,
        logging_steps=50,
        max_input_length=arguments.max_input_length,
        max_target_length=arguments.max_target_length,
        generation_max_length=arguments.max_target_length,
        max_eval_samples=64,
        seed=seed,
    )


class Arms:
    """The teacher, then each arm for each seed, on one storage and one dataset."""

    def __init__(self, root: Path, arguments: argparse.Namespace) -> None:
        self._root = root
        self._arguments = arguments
        self._container = container_for(root)
        self.teacher: Run | None = None  # from the first distillation report

    def train_teacher(self) -> None:
        options = self._arguments
        config = budget(options, options.teacher, options.teacher_lr, options.teacher_steps, options.seed)
        started = time.perf_counter()
        result = self._container.train_model().execute(
            TrainRequest(dataset=DATASET, name="teacher", config=config)
        )
        print(
            f"teacher: {options.teacher}, {options.teacher_steps} steps at lr {options.teacher_lr:g}, "
            f"{time.perf_counter() - started:.0f} s, test exact_match {result.metrics['exact_match']:.4f}, "
            f"bleu4 {result.metrics['bleu4']:.2f}"
        )

    def run(self, arm: str, seed: int) -> Run:
        options = self._arguments
        config = budget(options, options.student, options.lr, options.steps, seed)
        name = f"{arm.replace('+', '-')}-{seed}"
        losses = ARMS[arm]
        run = self._trained(name, config) if losses is None else self._distilled(name, config, losses)
        figures = ", ".join(f"{key} {run.metrics[key]:.4f}" for key in METRICS)
        print(f"  {arm:20s} seed {seed}: {run.seconds:5.0f} s, {figures}")
        return run

    def _distilled(self, name: str, config: TrainingConfig, losses: DistillationConfig) -> Run:
        started = time.perf_counter()
        request = DistillRequest(
            teacher="teacher",
            dataset=DATASET,
            name=name,
            student=config.model,
            config=config,
            distillation=losses,
        )
        result = self._container.distill_model().execute(request)
        seconds, report = time.perf_counter() - started, result.report
        if self.teacher is None:
            self.teacher = Run(
                metrics=result.teacher_metrics,
                parameters=report["teacher_parameters"],
                latency_ms=report["teacher_speed"]["latency_p50_ms"],
                seconds=0.0,
            )
        return Run(
            metrics=result.metrics,
            parameters=report["student_parameters"],
            latency_ms=report["student_speed"]["latency_p50_ms"],
            seconds=seconds,
        )

    def _trained(self, name: str, config: TrainingConfig) -> Run:
        """Hard labels alone; the exported model timed by the profiler DistillModel uses."""
        started = time.perf_counter()
        result = self._container.train_model().execute(
            TrainRequest(dataset=DATASET, name=name, config=config)
        )
        seconds = time.perf_counter() - started
        folder = self._root / "profiled"
        job = TrainingJob(
            dataset_dir=self._container.datasets().local_copy(DATASET),
            task=TASK,
            label_names=(),
            config=config,
            output_dir=str(folder / name),
            config_hash="",
        )
        model_dir = self._container.runs().fetch_model(name, str(folder))
        profile = self._container.model_profiler().profile(model_dir, job, evaluate=False)
        return Run(
            metrics=result.metrics,
            parameters=profile.parameters,
            latency_ms=profile.speed.latency_p50_ms,
            seconds=seconds,
        )


Spread = tuple[float, float]  # mean, half the min-max range


def spread(values: list[float]) -> Spread:
    return statistics.fmean(values), (max(values) - min(values)) / 2


def summary(runs: list[Run]) -> dict[str, Spread]:
    figures = {key: spread([run.metrics[key] for run in runs]) for key in METRICS}
    figures["parameters"] = spread([float(run.parameters) for run in runs])
    figures["latency_ms"] = spread([run.latency_ms for run in runs])
    figures["seconds"] = spread([run.seconds for run in runs])
    return figures


COLUMNS = (*METRICS, "parameters", "latency_ms", "seconds")
HEADERS = ("exact_match", "bleu4", "ast_validity", "ngram_sim", "token_f1", "params", "p50 ms", "s/run")


def cell(key: str, mean: float, half_range: float | None) -> str:
    if key == "parameters":
        return f"{mean:,.0f}"
    digits = 2 if key in ("bleu4", "latency_ms") else 0 if key == "seconds" else 4
    text = f"{mean:.{digits}f}"
    return text if half_range is None else f"{text}±{half_range:.{digits}f}"


def print_table(rows: Mapping[str, dict[str, Spread]], teacher: Run, teacher_label: str) -> None:
    print(f"{'':24s}" + "".join(f"{header:>16s}" for header in HEADERS))
    for arm, figures in rows.items():
        print(f"{arm:24s}" + "".join(f"{cell(key, *figures[key]):>16s}" for key in COLUMNS))
    values = {**teacher.metrics, "parameters": teacher.parameters, "latency_ms": teacher.latency_ms}
    print(f"{teacher_label:24s}" + "".join(f"{cell(key, values[key], None):>16s}" for key in COLUMNS[:-1]))


def print_ratios(rows: Mapping[str, dict[str, Spread]], teacher: Run) -> None:
    base = rows[BASELINE]
    keys = (*METRICS, "parameters", "latency_ms")
    print(f"{'ratio to ' + BASELINE:24s}" + "".join(f"{header:>16s}" for header in HEADERS[:-1]))
    teacher_means = {**teacher.metrics, "parameters": teacher.parameters, "latency_ms": teacher.latency_ms}
    lines = {arm: {key: figures[key][0] for key in keys} for arm, figures in rows.items() if arm != BASELINE}
    for label, means in {**lines, "teacher": teacher_means}.items():
        ratios = [f"{means[key] / base[key][0]:.2f}x" if base[key][0] else "-" for key in keys]
        print(f"{label:24s}" + "".join(f"{ratio:>16s}" for ratio in ratios))


def verdict(rows: Mapping[str, dict[str, Spread]], several_seeds: bool) -> str:
    """Whether each trident arm's mean beat kl's on exact_match and bleu4, and whether the seeds' ranges
    (mean ± half the min-max range) of the two arms overlap."""
    parts = []
    for arm in ("trident", "trident+contrastive"):
        said = []
        for key in ("exact_match", "bleu4"):
            (mine, my_range), (kl, kl_range) = rows[arm][key], rows["kl"][key]
            beats = "beats" if mine > kl else "ties with" if mine == kl else "does not beat"
            apart = abs(mine - kl) > my_range + kl_range
            ranges = "the seeds' ranges " + ("do not overlap" if apart else "overlap")
            said.append(
                f"{key} {beats} kl ({mine:.4g} vs {kl:.4g}; {ranges if several_seeds else 'one seed'})"
            )
        parts.append(f"{arm}: " + ", ".join(said))
    return "verdict: " + "; ".join(parts)


def seeds(text: str) -> list[int]:
    values = [int(item) for item in text.split(",") if item.strip()]
    if not values:
        raise argparse.ArgumentTypeError("give at least one seed, e.g. 1,2")
    return values


def options() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.distill --task assertion", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--tests",
        default="test_asyncio",
        help="a package of Lib/test (its files test the package without the prefix) or 'all': the top-level "
        "test_*.py files",
    )
    parser.add_argument("--limit-mb", type=float, default=1.0, help="of test files, smallest first")
    parser.add_argument("--max-samples", type=int, default=2400)
    parser.add_argument("--vocab-size", type=int, default=4000)
    parser.add_argument("--max-input-length", type=int, default=192)
    parser.add_argument("--max-target-length", type=int, default=48)
    parser.add_argument("--teacher", default="mini", help="the teacher's preset")
    parser.add_argument("--teacher-steps", type=int, default=600)
    parser.add_argument("--teacher-lr", type=float, default=3e-3)
    parser.add_argument("--student", default="micro", help="every arm's preset")
    parser.add_argument("--steps", type=int, default=300, help="every arm's")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-3, help="every arm's peak learning rate")
    parser.add_argument("--seeds", type=seeds, default=[1, 2], help="comma-separated, e.g. 1,2")
    parser.add_argument("--seed", type=int, default=42, help="the teacher's")
    parser.add_argument("--threads", type=int, default=1)
    return parser


def main(argv: list[str] | None = None) -> None:
    arguments = options().parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(arguments.threads)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="codemill-bench-") as tmp:
        root = Path(tmp)
        build_assertions(root, arguments)
        chosen = ",".join(map(str, arguments.seeds))
        print(
            f"budget per arm and seed: {arguments.student}, {arguments.steps} steps of "
            f"{arguments.batch_size} at lr {arguments.lr:g}, seeds {chosen}; threads {arguments.threads}"
        )
        arms = Arms(root, arguments)
        arms.train_teacher()
        rows = {}
        for arm in ARMS:
            arm_started = time.perf_counter()
            rows[arm] = summary([arms.run(arm, seed) for seed in arguments.seeds])
            print(f"  {arm}: {time.perf_counter() - arm_started:.0f} s")
        assert arms.teacher is not None
        print(f"\nmean±half the min-max range over seeds {chosen}, test split")
        print_table(rows, arms.teacher, f"teacher ({arguments.teacher})")
        print()
        print_ratios(rows, arms.teacher)
        print(verdict(rows, len(arguments.seeds) > 1))
        print(f"total: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
