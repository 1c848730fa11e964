"""A teacher made outside codemill, as a user brings one: a tiny T5 built from a config with transformers,
saved (safetensors) with a tokenizer into a plain folder, and a JSONL file of code -> name samples."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from codemill.domain.dataset import Sample


def save_t5_teacher(folder: Path, tokenizer_files: Mapping[str, bytes], *, seed: int = 0) -> Path:
    """A two-layer T5 sized to the tokenizer, with its special ids, and the tokenizer beside it."""
    import torch
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    folder.mkdir(parents=True, exist_ok=True)
    for name, payload in tokenizer_files.items():
        (folder / name).write_bytes(payload)
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=32,
        d_ff=64,
        d_kv=16,
        num_heads=2,
        num_layers=2,
        num_decoder_layers=2,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    T5ForConditionalGeneration(config).save_pretrained(str(folder))
    return folder


def write_code_file(path: Path, samples: Sequence[Sample]) -> Path:
    """Samples as the JSONL file a user builds a dataset from (`--file`): a code and a target column."""
    rows = (json.dumps({"code": sample.text, "target": sample.target}) for sample in samples)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
