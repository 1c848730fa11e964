"""The dataset card (README.md) published with every dataset."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codemill.domain.dataset import SPLITS


def render_card(name: str, stats: Mapping[str, Any], plots: Sequence[str]) -> str:
    """Markdown: source and lineage, task, sizes, label distribution, lengths, leakage checks, plots."""
    task = stats["task"]
    source = stats["source"]
    origin = f"corpus `{source['corpus']}`" if "corpus" in source else f"file `{source['file']}`"
    lines = [
        f"# Dataset `{name}`",
        "",
        f"- Task: **{task['task']}**"
        + (f" / {task['subtask']}" if task.get("subtask") else "")
        + (f" (label field `{task['label_field']}`)" if task.get("label_field") else ""),
        f"- Source: {origin}, manifest sha256 `{source['manifest_sha256'][:16]}`",
        f"- Tokenizer: `{stats['tokenizer']['name']}` ({stats['tokenizer']['vocab_size']:,} tokens)",
        f"- Samples: {stats['samples']:,}" + _skipped(stats.get("skipped", {})),
        "",
        "## Splits",
        "",
        "| split | samples | labels |",
        "|---|---|---|",
    ]
    for split in SPLITS:
        labels = ", ".join(f"{k}: {v:,}" for k, v in stats["labels"].get(split, {}).items()) or "-"
        lines.append(f"| {split} | {stats['splits'][split]:,} | {labels} |")
    lines += [
        "",
        "## Lengths (tokens)",
        "",
        "| field | mean | p50 | p95 | max | truncated |",
        "|---|---|---|---|---|---|",
    ]
    for field, summary in stats["tokens"].items():
        lines.append(
            f"| {field} | {summary['mean']:.1f} | {summary['p50']} | {summary['p95']} | {summary['max']} "
            f"| {summary['truncated']:,} |"
        )
    lines += [
        "",
        "## Leakage checks",
        "",
        "Splits are grouped by source file and near-duplicate cluster.",
        "",
    ]
    for split, counts in stats["decontamination"].items():
        lines.append(
            f"- {split} vs train: {counts['exact']} exact and {counts['near']} near-duplicate overlaps"
        )
    if plots:
        lines += ["", "## Plots", ""] + [f"![{p}](plots/{p})" for p in plots]
    return "\n".join(lines) + "\n"


def _skipped(skipped: Mapping[str, int]) -> str:
    if not skipped:
        return ""
    return " (skipped: " + ", ".join(f"{k} {v:,}" for k, v in skipped.items()) + ")"
