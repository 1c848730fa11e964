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
