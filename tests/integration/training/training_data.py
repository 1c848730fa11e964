"""Tiny dataset folders (data/, tokenizer/, label_map.json) built with the real adapters, and jobs on them."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codemill.domain.dataset import Sample, TaskSpec, TaskType
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.training import TrainingConfig
from codemill.infrastructure.datasets.dataset_dict_files import save_dataset_dict
from codemill.infrastructure.datasets.sample_columns import layout_for
from codemill.infrastructure.tokenizers.bpe_tokenizer_provider import HfTokenizerProvider

CLASSIFICATION = TaskSpec(task=TaskType.CLASSIFICATION)
GENERATION = TaskSpec(task=TaskType.GENERATION, subtask="name")
MULTI_LABEL = TaskSpec(task=TaskType.SECURITY, subtask="test_id")
LANGUAGE_WORDS = {
    "python": ["def", "self", "import", "elif", "None", "lambda", "yield", "pass"],
    "go": ["func", "package", "nil", ":=", "defer", "chan", "go", "struct"],
    "java": ["public", "class", "void", "static", "new", "private", "extends", "final"],
}
FILLER = ["x", "y", "value", "items", "(", ")", "{", "}", "=", "+", "1", "0", "result"]
VERBS, NOUNS = ["get", "set", "load", "save", "parse", "close"], ["user", "file", "name", "item", "config"]
RISKS = {"B101": "assert", "B602": "subprocess", "B303": "md5"}


def write_dataset(
    folder: Path,
    task: TaskSpec,
    splits: dict[str, list[Sample]],
    label_names: Sequence[str] = (),
    tokenizer_files: dict[str, bytes] | None = None,
) -> Path:
    """A dataset folder as BuildDataset publishes it; by default a BPE tokenizer of the train texts."""
    if tokenizer_files is None:
        texts = [sample.text + " " + (sample.target or "") for sample in splits["train"]]
        tokenizer_files = HfTokenizerProvider().train(texts, vocab_size=400, min_frequency=1).files()
    layout = layout_for(task, label_names)
    save_dataset_dict(folder / "data", splits, layout)
    for name, payload in tokenizer_files.items():
        (folder / "tokenizer" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "tokenizer" / name).write_bytes(payload)
    label_map = {"labels": list(layout.label_names), "label2id": layout.label2id}
    (folder / "label_map.json").write_text(json.dumps(label_map), encoding="utf-8")
    return folder


def training_job(
    dataset_dir: Path,
    task: TaskSpec,
    output_dir: Path,
    *,
    resume_from: Path | str | None = None,
    **config: Any,
) -> TrainingJob:
    """A job with short inputs and frequent logs; other config fields as keyword arguments."""
    label_map = json.loads((dataset_dir / "label_map.json").read_text(encoding="utf-8"))
    return TrainingJob(
        dataset_dir=str(dataset_dir),
        task=task,
        label_names=tuple(label_map["labels"]),
        config=TrainingConfig(**{"max_input_length": 64, "logging_steps": 5, **config}),
        output_dir=str(output_dir),
        config_hash="cafe",
        resume_from=None if resume_from is None else str(resume_from),
    )


def language_samples(count: int, seed: int) -> list[Sample]:
    """Snippets whose keywords give their language away: learnable by a tiny model in a few dozen steps."""
    rng = random.Random(seed)
    samples = []
    for index in range(count):
        language = list(LANGUAGE_WORDS)[index % 3]
        words = rng.choices(LANGUAGE_WORDS[language], k=5) + rng.choices(FILLER, k=7)
        rng.shuffle(words)
        samples.append(
            Sample(
                id=f"{seed}-{index}",
                text=" ".join(words),
                label=language,
                group=str(index),
                language=language,
            )
        )
    return samples


def name_samples(count: int, seed: int) -> list[Sample]:
    """Code -> the method name that its body hints at (a verb and a noun)."""
    rng = random.Random(seed)
    samples = []
    for index in range(count):
        verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
        text = f"def _( self ) : return self . {verb} ( {noun} )"
        samples.append(Sample(id=f"{seed}-{index}", text=text, target=f"{verb} {noun}", group=str(index)))
    return samples


def risk_samples(count: int, seed: int) -> list[Sample]:
    """Snippets with zero or more risky calls, labelled with the bandit test ids they would raise."""
    rng = random.Random(seed)
    samples = []
    for index in range(count):
        present = sorted(test_id for test_id in RISKS if rng.random() < 0.4)
        words = [RISKS[test_id] for test_id in present] + rng.choices(FILLER, k=6)
        rng.shuffle(words)
        samples.append(Sample(id=f"{seed}-{index}", text=" ".join(words), labels=tuple(present)))
    return samples
