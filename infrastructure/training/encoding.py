"""A dataset folder -> its tokenizer and token-id splits ready for the Trainer, plus the batch collator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets
from transformers import (
    AutoTokenizer,
    DataCollatorForSeq2Seq,
    DataCollatorWithPadding,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from codemill.domain.errors import InputError, first_line
from codemill.domain.training import TrainingConfig
from codemill.infrastructure.training.model_needs import TaskKind

IGNORED_LABEL = -100  # the label id the loss skips: padding of seq2seq targets


@dataclass(frozen=True, kw_only=True)
class EncodedSplits:
    """Non-empty splits only; `validation` drives checkpoint selection, `test` the final score.

    `languages` holds, for the validation and test splits, each sample's language in order (from the
    `language` column, when the dataset has one): what the syntax of generated code is checked in.
    """

    train: datasets.Dataset
    validation: datasets.Dataset | None
    test: datasets.Dataset | None
    languages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def load_tokenizer(dataset_dir: str) -> PreTrainedTokenizerBase:
    """The dataset's own tokenizer (`tokenizer/`), from disk only."""
    folder = Path(dataset_dir) / "tokenizer"
    try:
        tokenizer: PreTrainedTokenizerBase = AutoTokenizer.from_pretrained(  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
            str(folder), local_files_only=True, trust_remote_code=False
        )
    except Exception as exc:  # transformers raises many unrelated types for one cause
        raise InputError(f"cannot load the tokenizer in {folder}: {first_line(exc)}") from None
    if tokenizer.pad_token_id is None:
        raise InputError(f"the tokenizer in {folder} has no padding token")
    return tokenizer


def load_splits(dataset_dir: str) -> datasets.DatasetDict:
    folder = Path(dataset_dir) / "data"
    try:
        loaded = datasets.load_from_disk(str(folder))
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise InputError(f"{folder} is not a readable DatasetDict: {exc}") from None
    if not isinstance(loaded, datasets.DatasetDict) or len(loaded.get("train", ())) == 0:
        raise InputError(f"{folder} has no training samples: rebuild the dataset")
    return loaded


def encode_splits(
    raw: datasets.DatasetDict, tokenizer: PreTrainedTokenizerBase, kind: TaskKind, config: TrainingConfig
) -> EncodedSplits:
    """Token ids truncated to the configured lengths, labels as the model's loss expects them.

    Encoded in memory: the dataset folder is never written to. Validation
    is cut to `max_eval_samples` when set.
    """
    num_labels = len(label_names(raw["train"], kind))

    def encode(batch: dict[str, list[Any]]) -> dict[str, Any]:
        encoded = dict(tokenizer(batch["text"], truncation=True, max_length=config.max_input_length))
        encoded["labels"] = _labels(batch, tokenizer, kind, config, num_labels)
        return encoded

    languages: dict[str, tuple[str, ...]] = {}

    def prepared(name: str, limit: int | None = None) -> datasets.Dataset | None:
        split = raw.get(name)
        if split is None or len(split) == 0:
            return None
        if limit is not None:
            split = split.select(range(min(limit, len(split))))
        if name != "train" and "language" in split.column_names:
            languages[name] = tuple(str(language or "") for language in split["language"])
        encoded = split.map(encode, batched=True, remove_columns=split.column_names, keep_in_memory=True)
        if kind == "multi_label":  # the output column inherits the ClassLabel type of the input's `labels`
            encoded = encoded.cast_column("labels", datasets.Sequence(datasets.Value("float32")))
        return encoded

    train = prepared("train")
    assert train is not None  # nosec B101  # an invariant for the type checker, not a security check (load_splits refuses an empty train split)
    validation, test = prepared("validation", config.max_eval_samples), prepared("test")
    return EncodedSplits(train=train, validation=validation, test=test, languages=languages)


def collator(kind: TaskKind, tokenizer: PreTrainedTokenizerBase, model: PreTrainedModel) -> Any:
    """Dynamic padding; seq2seq targets are padded with -100 and shifted into decoder inputs."""
    if kind == "seq2seq":
        return DataCollatorForSeq2Seq(tokenizer, model=model, label_pad_token_id=IGNORED_LABEL)
    return DataCollatorWithPadding(tokenizer)


def _labels(
    batch: dict[str, list[Any]],
    tokenizer: PreTrainedTokenizerBase,
    kind: TaskKind,
    config: TrainingConfig,
    num_labels: int,
) -> list[Any]:
    if kind == "seq2seq":
        targets = [target or "" for target in batch["target"]]
        ids: list[Any] = tokenizer(text_target=targets, truncation=True, max_length=config.max_target_length)[
            "input_ids"
        ]
        return ids
    if kind == "multi_label":
        return [_multi_hot(row, num_labels) for row in batch["labels"]]
    return list(batch["label"])


def label_names(split: datasets.Dataset, kind: TaskKind) -> tuple[str, ...]:
    """The class names of a classification split's `label` / `labels` feature (empty for seq2seq)."""
    if kind == "seq2seq":
        return ()
    feature = split.features["label"] if kind == "single_label" else split.features["labels"].feature
    return tuple(feature.names)


def _multi_hot(label_ids: list[int], width: int) -> list[float]:
    present = set(label_ids)
    return [1.0 if index in present else 0.0 for index in range(width)]
