"""Pretrained models by hub name or local folder, safetensors only, failing fast with one line."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from transformers import AutoModelForSeq2SeqLM, AutoModelForSequenceClassification, PreTrainedModel

from codemill.domain.errors import InputError, first_line
from codemill.infrastructure.tokenizers.hub_access import (
    cached_commit,
    hub_endpoint,
    hub_offline,
    hub_reachable,
)
from codemill.infrastructure.training.model_needs import ModelNeeds, TaskKind

log = logging.getLogger("codemill.train")


def load_pretrained(name_or_path: str, needs: ModelNeeds, head_options: dict[str, Any]) -> PreTrainedModel:
    """`from_pretrained` for the task's head: a local folder, else the cache, else the hub.

    Contract: a folder or HF_HUB_OFFLINE loads from disk only; the hub is asked
    only after a short connection probe answers; pickle weights are refused
    (safetensors only), remote code is never run; every failure, and a
    tokenizer larger than the model's embedding matrix, is an InputError.
    A model without a pad id gets the tokenizer's. A hub name loads at
    `needs.revision` (a commit or tag), else unpinned with one warning; a
    folder with a revision is refused.
    """
    folder = Path(name_or_path).expanduser()
    revision = needs.revision
    if folder.is_dir():
        if revision is not None:
            raise InputError(f"model {name_or_path!r} is a local folder: a revision pins hub models only")
        model = _load(name_or_path, str(folder), needs.kind, head_options, local_only=True)
    elif not _looks_like_hub_name(name_or_path):
        raise InputError(f"cannot load model {name_or_path!r}: no such folder")
    else:
        if revision is None:
            log.warning(unpinned_warning("model", name_or_path, "--revision"))
        if hub_offline():
            model = _load(
                name_or_path, name_or_path, needs.kind, head_options, local_only=True, revision=revision
            )
        else:
            model = _from_cache_or_hub(name_or_path, needs.kind, head_options, revision)
        _record_commit(model, name_or_path, revision)
    _check_vocabulary(name_or_path, model, needs.vocab_size)
    _check_positions(name_or_path, model, needs.max_input_length)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = needs.pad_token_id
    return model


def _record_commit(model: PreTrainedModel, name: str, revision: str | None) -> None:
    """Sets `config._commit_hash`, what the run record reads, to the commit of the cached snapshot the
    hub model was loaded from: transformers 5 no longer sets it (it is never saved with the config)."""
    if not getattr(model.config, "_commit_hash", None):
        model.config._commit_hash = cached_commit(name, revision, ("config.json",))


def unpinned_warning(what: str, name: str, option: str) -> str:
    return f"{what} {name} is unpinned and may change on the hub: pass {option} COMMIT to pin it"


def _from_cache_or_hub(
    name: str, kind: TaskKind, head_options: dict[str, Any], revision: str | None
) -> PreTrainedModel:
    try:
        return _load(name, name, kind, head_options, local_only=True, revision=revision)
    except InputError:
        if not hub_reachable():
            raise InputError(
                f"cannot load model {name!r}: not a local folder nor cached, and {hub_endpoint()} "
                "cannot be reached; give a local folder, or a preset (tiny, small, base)"
            ) from None
    return _load(name, name, kind, head_options, local_only=False, revision=revision)


def _load(
    name: str,
    source: str,
    kind: TaskKind,
    head_options: dict[str, Any],
    *,
    local_only: bool,
    revision: str | None = None,
) -> PreTrainedModel:
    auto: Any = AutoModelForSeq2SeqLM if kind == "seq2seq" else AutoModelForSequenceClassification
    extra = {"ignore_mismatched_sizes": True} if head_options else {}
    try:
        model = auto.from_pretrained(
            source,
            revision=revision,
            local_files_only=local_only,
            # with peft installed, the Auto classes look for an adapter_config.json on the hub without
            # passing local_files_only on (minutes of retries offline): say it to that lookup too
            adapter_kwargs={"local_files_only": local_only},
            use_safetensors=True,
            trust_remote_code=False,
            **head_options,
            **extra,
        )
    except Exception as exc:  # transformers and the hub raise many unrelated types for one cause
        detail = first_line(exc)
        where = "on disk" if local_only else "on the hub"
        raise InputError(f"cannot load model {name!r} {where}: {detail}") from None
    model_type: PreTrainedModel = model
    return model_type


def _check_vocabulary(name: str, model: PreTrainedModel, vocab_size: int) -> None:
    rows = int(model.get_input_embeddings().weight.shape[0])  # type: ignore[index]
    if vocab_size > rows:
        raise InputError(
            f"the dataset's tokenizer has {vocab_size} tokens but model {name!r} embeds only {rows}: "
            "build the dataset with the model's own tokenizer, or train a preset"
        )


def _check_positions(name: str, model: PreTrainedModel, max_input_length: int) -> None:
    positions = getattr(model.config, "max_position_embeddings", None)  # None: relative positions (T5)
    if isinstance(positions, int) and positions < max_input_length:
        raise InputError(
            f"model {name!r} takes at most {positions} positions: set max_input_length to {positions} or less"
        )


def _looks_like_hub_name(name: str) -> bool:
    return not name.startswith(("/", "./", "../", "~", ".\\")) and "\\" not in name and name.count("/") <= 1
