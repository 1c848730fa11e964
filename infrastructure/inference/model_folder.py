"""A model folder (config, weights, tokenizer) loaded for inference, from disk only, safetensors first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import (
    AutoConfig,
    AutoModelForSeq2SeqLM,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from codemill.domain.errors import InputError, IntegrityError, first_line
from codemill.infrastructure.inference.quiet_libraries import library_bars_off

_ROBERTA_LIKE = ("roberta", "xlm-roberta", "camembert", "longformer")


@dataclass(frozen=True, kw_only=True)
class ModelFolder:
    """A loaded model with its tokenizer: task kind ('single_label', 'multi_label', 'seq2seq') and labels."""

    folder: str
    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    kind: str
    label_names: tuple[str, ...]
    max_input_length: int

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def encode(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        """A padded batch of token ids on the model's device, truncated to the model's input length."""
        inputs = self.tokenizer(
            list(texts), truncation=True, max_length=self.max_input_length, padding=True, return_tensors="pt"
        )
        return {key: value.to(self.device) for key, value in inputs.items() if key != "token_type_ids"}

    def logits(self, texts: Sequence[str]) -> torch.Tensor:
        """Raw classifier logits of one batch, as float32 on the CPU."""
        with torch.inference_mode():
            logits: torch.Tensor = self.model(**self.encode(texts)).logits
        return logits.float().cpu()

    def generate(self, texts: Sequence[str], *, max_new_tokens: int) -> list[str]:
        """Greedy generations of one batch, decoded without special tokens."""
        with torch.inference_mode():
            ids = self.model.generate(  # type: ignore[operator]
                **self.encode(texts), max_new_tokens=max_new_tokens, do_sample=False, num_beams=1
            )
        return [text.strip() for text in self.tokenizer.batch_decode(ids, skip_special_tokens=True)]


def resolve_device(device: str) -> torch.device:
    """'auto' -> CUDA when available, else CPU; 'cpu' and 'cuda[:N]' as given."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"device {device!r} asked for, but no CUDA device is available")
    return torch.device(device)


def open_model_folder(folder: str, *, allow_pickle: bool = False, device: str = "auto") -> ModelFolder:
    """Load config, weights and tokenizer from `folder`; one-line errors, never remote code.

    Safetensors weights are used whenever present; pickle-based weights only
    with `allow_pickle`, and then through torch's `weights_only=True`.
    Weights that leave parameters of the configured architecture unset, or
    bring parameters it does not have, raise IntegrityError (a checkpoint of
    another architecture).
    """
    config = _config(folder)
    kind = _kind(config)
    auto: Any = AutoModelForSeq2SeqLM if kind == "seq2seq" else AutoModelForSequenceClassification
    has_safetensors = any(Path(folder).glob("*.safetensors"))
    if not has_safetensors and not allow_pickle:
        raise IntegrityError(f"{folder} has no safetensors weights (pickle-based ones need --allow-pickle)")
    try:
        with library_bars_off():
            model, info = auto.from_pretrained(
                folder,
                config=config,
                local_files_only=True,
                trust_remote_code=False,
                use_safetensors=has_safetensors,
                weights_only=True,
                output_loading_info=True,
                ignore_mismatched_sizes=True,  # reported below as mismatched, with the parameter's name
            )
    except Exception as exc:  # transformers raises many unrelated types for one cause
        raise IntegrityError(f"the weights in {folder} do not load: {first_line(exc)}") from None
    _check_loading_info(folder, info)
    tokenizer = _tokenizer(folder)
    model = model.to(resolve_device(device))
    model.eval()
    labels = tuple(str(config.id2label[i]) for i in sorted(config.id2label)) if kind != "seq2seq" else ()
    return ModelFolder(
        folder=folder,
        model=model,
        tokenizer=tokenizer,
        kind=kind,
        label_names=labels,
        max_input_length=_max_input_length(config, tokenizer),
    )


def _config(folder: str) -> Any:
    try:
        return AutoConfig.from_pretrained(folder, local_files_only=True, trust_remote_code=False)  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
    except Exception as exc:  # an unknown model_type, bad JSON, a missing file
        raise InputError(f"cannot read the model config in {folder}: {first_line(exc)}") from None


def _kind(config: Any) -> str:
    if getattr(config, "is_encoder_decoder", False):
        return "seq2seq"
    architectures = list(getattr(config, "architectures", None) or [])
    if not any(name.endswith("ForSequenceClassification") for name in architectures):
        raise InputError(
            f"unsupported architecture {architectures or config.model_type!r}: "
            "expected a sequence classifier or an encoder-decoder"
        )
    return "multi_label" if config.problem_type == "multi_label_classification" else "single_label"


def _check_loading_info(folder: str, info: dict[str, Any]) -> None:
    missing = sorted(info.get("missing_keys") or [])
    unexpected = sorted(info.get("unexpected_keys") or [])
    mismatched = [
        str(item[0]) if isinstance(item, tuple) else str(item) for item in info.get("mismatched_keys") or []
    ]
    if missing or unexpected or mismatched:
        parts = [
            f"{label} {', '.join(keys[:3])}{' ...' if len(keys) > 3 else ''}"
            for label, keys in (("missing", missing), ("unexpected", unexpected), ("mismatched", mismatched))
            if keys
        ]
        raise IntegrityError(
            f"the weights in {folder} do not fit its config.json (a checkpoint of another architecture?): "
            + "; ".join(parts)
        )


def _tokenizer(folder: str) -> PreTrainedTokenizerBase:
    try:
        tokenizer: PreTrainedTokenizerBase = AutoTokenizer.from_pretrained(  # nosec B615  # a local folder, local_files_only=True: nothing is downloaded
            folder, local_files_only=True, trust_remote_code=False
        )
    except Exception as exc:  # transformers raises many unrelated types for one cause
        raise InputError(f"cannot load the tokenizer in {folder}: {first_line(exc)}") from None
    return tokenizer


def _max_input_length(config: Any, tokenizer: PreTrainedTokenizerBase) -> int:
    positions = getattr(config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        offset = (config.pad_token_id or 0) + 1 if config.model_type in _ROBERTA_LIKE else 0
        return max(8, min(512, positions - offset))
    length = getattr(tokenizer, "model_max_length", 512)
    return int(length) if isinstance(length, int) and 0 < length <= 4096 else 512
