"""The model card (README.md) exported with every trained model."""

from __future__ import annotations

from codemill.domain.dataset import TaskSpec
from codemill.domain.training import TrainingOutcome


def render_model_card(name: str, dataset: str, task: TaskSpec, outcome: TrainingOutcome, metric: str) -> str:
    """Markdown: what the model does, what it was trained on, how good it is, how to load it."""
    subtask = task.effective_subtask
    lines = [
        f"# Model `{name}`",
        "",
        f"- Task: **{task.task}**" + (f" / {subtask}" if subtask else ""),
        f"- Trained on dataset `{dataset}`",
        f"- Best checkpoint: step {outcome.best.step if outcome.best else '-'} by `{metric}`",
        f"- Throughput: {outcome.samples_per_second:.1f} samples/s",
        *_lora_lines(outcome),
        "",
        "## Metrics (test split)",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v:.4f} |" for k, v in sorted(outcome.metrics.items())]
    lines += [
        "",
        "## Loading",
        "",
        "```python",
        "from transformers import AutoModel, AutoTokenizer",
        'model = AutoModel.from_pretrained("path/to/this/folder")',
        'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
        "```",
    ]
    return "\n".join(lines) + "\n"


def _lora_lines(outcome: TrainingOutcome) -> list[str]:
    lora = outcome.lora
    if not lora:
        return []
    lines = [
        f"- LoRA: {int(lora['trainable_parameters'])} of {int(lora['total_parameters'])} parameters trained "
        f"({100 * lora['trainable_fraction']:.2f}%); the adapters are merged into these weights and kept "
        "in `adapter/`"
    ]
    if "merge_max_abs_diff" in lora:
        lines.append(
            f"- Merge check on {int(lora['samples'])} inputs (validation first): max abs logit difference "
            f"{lora['merge_max_abs_diff']:.2e} to the adapted model, {lora['reload_max_abs_diff']:.2e} "
            f"after reloading, {lora['base_max_abs_diff']:.2e} to the base model"
        )
    return lines
