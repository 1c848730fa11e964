"""`codemill dataset`: build task datasets from corpora or files, list and inspect them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import click
from dependency_injector.wiring import Provide, inject

from codemill.domain.dataset import SplitConfig, TaskSpec, TaskType
from codemill.presentation.cli.options import json_option, overwrite_option
from codemill.presentation.cli.output import emit_json, human_size, render_table

if TYPE_CHECKING:
    from codemill.application.datasets.build_dataset import BuildDataset
    from codemill.application.datasets.summary import DatasetSummary
    from codemill.application.publishing.upstream_check import UpstreamCheck
    from codemill.domain.ports.dataset_repository import DatasetRepository

TASKS = [
    "generation",
    "generation/summarize",
    "generation/name",
    "generation/assertion",
    "generation/body",
    "classification",
    "security",
    "security/binary",
    "security/test_id",
    "security/cwe",
]


def _split(value: str) -> tuple[float, float, float]:
    try:
        parts = tuple(float(x) for x in value.split(","))
    except ValueError:
        raise click.BadParameter("give three numbers, e.g. 0.8,0.1,0.1") from None
    if len(parts) != 3:
        raise click.BadParameter("give three numbers, e.g. 0.8,0.1,0.1")
    return parts[0], parts[1], parts[2]


@click.group("dataset")
def dataset_group() -> None:
    """Build task datasets from corpora (or your own files), list and inspect them."""


@dataset_group.command("build")
@click.argument("corpus", required=False)
@click.option(
    "--task",
    "task_name",
    type=click.Choice(TASKS),
    default="generation",
    show_default=True,
    help="Task, optionally with its subtask.",
)
@click.option("--name", required=True, help="Dataset name; it is stored under datasets/NAME/.")
@click.option(
    "--label-field", default="", help="Classification: the corpus field to predict (default language)."
)
@click.option(
    "--balance", type=float, help="Security/binary: keep at most this many majority per minority sample."
)
@click.option("--file", "data_file", help="Build from a JSONL, CSV or Parquet file instead of a corpus.")
@click.option("--code-column", default="code", show_default=True, help="With --file: the code column.")
@click.option("--label-column", help="With --file: the label column (classification, security).")
@click.option("--target-column", help="With --file: the target text column (generation).")
@click.option(
    "--split", "ratios", default="0.8,0.1,0.1", show_default=True, help="train,validation,test ratios."
)
@click.option("--seed", default=42, show_default=True, help="Seed of the split and any sampling.")
@click.option(
    "--group-by",
    type=click.Choice(["file", "repository"]),
    default="file",
    show_default=True,
    help="Keep every unit of one file (or repository) in one split.",
)
@click.option(
    "--tokenizer", help="Reuse a pretrained tokenizer (hub name or local path) instead of training one."
)
@click.option(
    "--tokenizer-revision",
    metavar="COMMIT",
    help="The hub commit (or tag) to load a hub --tokenizer at; the dataset's stats keep the resolved "
    "commit (tokenizer.revision). A hub name without it loads unpinned, with a warning.",
)
@click.option(
    "--vocab-size", default=8000, show_default=True, help="Vocabulary of the trained BPE tokenizer."
)
@click.option(
    "--max-input-length", default=512, show_default=True, help="Input tokens kept at training time."
)
@click.option(
    "--max-target-length", default=64, show_default=True, help="Target tokens kept at training time."
)
@click.option("--max-samples", type=click.IntRange(min=1), help="Keep a seeded random subset of this size.")
@overwrite_option("dataset")
@json_option
@inject
def build_command(
    corpus: str | None,
    task_name: str,
    name: str,
    label_field: str,
    balance: float | None,
    data_file: str | None,
    code_column: str,
    label_column: str | None,
    target_column: str | None,
    ratios: str,
    seed: int,
    group_by: str,
    tokenizer: str | None,
    tokenizer_revision: str | None,
    vocab_size: int,
    max_input_length: int,
    max_target_length: int,
    max_samples: int | None,
    overwrite: bool,
    as_json: bool,
    use_case: BuildDataset = Provide["build_dataset"],
) -> None:
    """Build a task dataset from CORPUS (or --file) with leakage-free splits and a tokenizer.

    \b
    Tasks:
      generation/summarize  code without docstring -> first paragraph of the docstring
      generation/name       code with its name masked -> the name
      generation/assertion  a test with one assertion masked + </s> + the tested function -> the
                            assertion (Python, Java; one sample per assertion)
      generation/body       signature and docstring, the body masked -> the body
      classification        code -> a corpus field (--label-field language, complexity_rank, kind ...)
      security/binary       code -> vulnerable | clean (bandit findings); --balance 1 evens train classes
      security/test_id|cwe  code -> bandit test ids | CWEs (multi-label)

    \b
    Examples:
      codemill dataset build mycorpus --task generation --name summaries
      codemill dataset build mycorpus --task classification --label-field complexity_rank --name cx
      codemill dataset build mycorpus --task generation/assertion --name asserts --max-target-length 128
      codemill dataset build mycorpus --task generation/body --name bodies --max-target-length 256
      codemill dataset build --file devign.jsonl --code-column func --label-column target \\
          --task security --name devign
    """
    from codemill.application.datasets.build_dataset import BuildDatasetRequest, UserFile

    task_type, _, subtask = task_name.partition("/")
    train, validation, test = _split(ratios)
    user_file = None
    if data_file:
        user_file = UserFile(
            location=data_file,
            code_column=code_column,
            label_column=label_column,
            target_column=target_column,
        )
    request = BuildDatasetRequest(
        name=name,
        task=TaskSpec(task=TaskType(task_type), subtask=subtask, label_field=label_field, balance=balance),
        corpus=corpus,
        user_file=user_file,
        split=SplitConfig(train=train, validation=validation, test=test, seed=seed, group_by=group_by),
        tokenizer=tokenizer,
        tokenizer_revision=tokenizer_revision,
        vocab_size=vocab_size,
        max_input_length=max_input_length,
        max_target_length=max_target_length,
        max_samples=max_samples,
        overwrite=overwrite,
    )
    result = use_case.execute(request)
    if as_json:
        emit_json({"name": result.name, "stats": result.stats.to_dict()})
    else:
        click.echo(render_build_summary(result.name, result.stats))


def render_build_summary(name: str, summary: DatasetSummary) -> str:
    rows = [
        {"split": split, "samples": n, "labels": _labels(summary.labels.get(split, {}))}
        for split, n in summary.splits.items()
    ]
    lines = [render_table(rows, ["split", "samples", "labels"])]
    for field, s in summary.tokens.by_field().items():
        lines.append(
            f"{field} tokens: mean {s.mean:.1f}, p50 {s.p50}, p95 {s.p95}, max {s.max}, "
            f"{s.truncated:,} truncated"
        )
    leaks = ", ".join(f"{k}: {v.exact} exact / {v.near} near" for k, v in summary.decontamination.items())
    lines.append(f"overlap with train: {leaks}")
    if summary.skipped:
        lines.append("skipped: " + ", ".join(f"{k}={v:,}" for k, v in summary.skipped.items()))
    lines.append(f"dataset {name}: {summary.samples:,} samples, tokenizer {summary.tokenizer.name}")
    return "\n".join(lines)


def _labels(counts: Mapping[str, int], most: int = 6) -> str:
    items = sorted(counts.items(), key=lambda kv: -kv[1])
    text = ", ".join(f"{k}={v:,}" for k, v in items[:most])
    return text + (f" (+{len(items) - most} more)" if len(items) > most else "") if text else "-"


@dataset_group.command("ls")
@json_option
@inject
def ls_command(as_json: bool, datasets: DatasetRepository = Provide["datasets"]) -> None:
    """List published datasets."""
    rows = []
    for name in datasets.names():
        manifest = datasets.manifest(name)
        meta = manifest.metadata
        rows.append(
            {
                "name": name,
                "task": "/".join(x for x in (meta.get("task"), meta.get("subtask")) if x),
                **{s: meta.get("splits", {}).get(s, 0) for s in ("train", "validation", "test")},
                "size": human_size(manifest.total_size),
                "created": manifest.created_at,
            }
        )
    if as_json:
        emit_json(rows)
    elif rows:
        click.echo(render_table(rows, ["name", "task", "train", "validation", "test", "size", "created"]))
    else:
        click.echo("no datasets yet: run `codemill dataset build CORPUS --task TASK --name NAME`")


@dataset_group.command("show")
@click.argument("name")
@click.option("--samples", "count", default=3, show_default=True, help="How many samples to print.")
@click.option(
    "--split", default="train", type=click.Choice(["train", "validation", "test"]), show_default=True
)
@json_option
@inject
def show_command(
    name: str,
    count: int,
    split: str,
    as_json: bool,
    datasets: DatasetRepository = Provide["datasets"],
    upstream: UpstreamCheck = Provide["upstream_check"],
) -> None:
    """Show a dataset's card and a few samples, and whether its corpus was replaced since."""
    samples = list(datasets.samples(name, split, limit=count))
    stale = upstream.of_dataset(name)
    for line in stale:
        click.echo(f"warning: dataset {name}: {line}", err=True)
    if as_json:
        emit_json(
            {
                "name": name,
                "stale": stale,
                "stats": datasets.stats(name),
                "samples": [
                    {
                        "id": s.id,
                        "text": s.text,
                        "target": s.target,
                        "label": s.label,
                        "labels": list(s.labels),
                    }
                    for s in samples
                ],
            }
        )
        return
    click.echo(datasets.card(name))
    for sample in samples:
        answer = sample.target or sample.label or ", ".join(sample.labels) or "(no label)"
        click.echo(f"--- {split} sample {sample.id[:12]} -> {answer}")
        click.echo(sample.text if len(sample.text) < 1200 else sample.text[:1200] + "\n...")
