"""The dataset card (README.md) published with every dataset."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codemill.application.datasets.summary import DatasetSummary
from codemill.domain.dataset import SPLITS


def render_card(name: str, summary: DatasetSummary, plots: Sequence[str]) -> str:
    """Markdown: source and lineage, task, sizes, label distribution, lengths, leakage checks, plots."""
    lines = [f"# Dataset `{name}`", "", *_facts(summary)]
    lines += ["", "## Splits", "", "| split | samples | labels |", "|---|---|---|"]
    for split in SPLITS:
        labels = ", ".join(f"{k}: {v:,}" for k, v in summary.labels.get(split, {}).items()) or "-"
        lines.append(f"| {split} | {summary.splits[split]:,} | {labels} |")
    lines += _lengths(summary)
    lines += [
        "",
        "## Leakage checks",
        "",
        "Splits are grouped by source file and near-duplicate cluster.",
        "",
    ]
    for split, overlap in summary.decontamination.items():
        lines.append(f"- {split} vs train: {overlap.exact} exact and {overlap.near} near-duplicate overlaps")
    if plots:
        lines += ["", "## Plots", ""] + [f"![{p}](plots/{p})" for p in plots]
    return "\n".join(lines) + "\n"


def _facts(summary: DatasetSummary) -> list[str]:
    """The bullet list: task, source and lineage, tokenizer, samples."""
    task, source, tokenizer = summary.task, summary.source, summary.tokenizer
    origin = f"corpus `{source.corpus}`" if source.corpus is not None else f"file `{source.file}`"
    subtask = task.effective_subtask
    return [
        f"- Task: **{task.task}**"
        + (f" / {subtask}" if subtask else "")
        + (f" (label field `{task.label_field}`)" if task.label_field else ""),
        f"- Source: {origin}, manifest sha256 `{source.manifest_sha256[:16]}`",
        f"- Tokenizer: `{tokenizer.name}` ({tokenizer.vocab_size:,} tokens)",
        f"- Samples: {summary.samples:,}" + _skipped(summary.skipped),
    ]


def _lengths(summary: DatasetSummary) -> list[str]:
    """The table of token lengths, one row per field (input, then target)."""
    lines = [
        "",
        "## Lengths (tokens)",
        "",
        "| field | mean | p50 | p95 | max | truncated |",
        "|---|---|---|---|---|---|",
    ]
    for field, lengths in summary.tokens.by_field().items():
        lines.append(
            f"| {field} | {lengths.mean:.1f} | {lengths.p50} | {lengths.p95} | {lengths.max} "
            f"| {lengths.truncated:,} |"
        )
    return lines


def _skipped(skipped: Mapping[str, int]) -> str:
    if not skipped:
        return ""
    return " (skipped: " + ", ".join(f"{k} {v:,}" for k, v in skipped.items()) + ")"
