"""The teacher's top-k outputs per position of every training sample, in a folder of .npy files.

Files: `values.npy` (float16, positions x k), `indices.npy` (int32,
positions x k) and `offsets.npy` (int64, samples + 1: sample i owns rows
offsets[i]:offsets[i+1]), then `table.json` (k, width, kind, samples).
The folder is assembled aside and renamed into place, so a folder that
exists is complete. Loaded with allow_pickle=False.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import PreTrainedModel

from codemill.infrastructure.training.encoding import IGNORED_LABEL
from codemill.infrastructure.training.model_needs import TaskKind

log = logging.getLogger("codemill.distill")
FILES = ("values.npy", "indices.npy", "offsets.npy")
DESCRIPTION = "table.json"
NOT_CACHED = -1e9  # the logit of a class outside the top k: weighs 0 after a softmax


@dataclass(frozen=True)
class LogitsTable:
    values: np.ndarray  # float16 (positions, k)
    indices: np.ndarray  # int32 (positions, k)
    offsets: np.ndarray  # int64 (samples + 1,)
    width: int  # classes per position (vocabulary, labels)
    kind: TaskKind

    @property
    def samples(self) -> int:
        return len(self.offsets) - 1

    def dense(self, rows: torch.Tensor, length: int | None, device: torch.device) -> torch.Tensor:
        """Teacher logits for a batch: (B, width) or (B, length, width); classes not kept are NOT_CACHED,
        positions past a sample's own are NOT_CACHED everywhere (they are masked by the labels)."""
        batch = len(rows)
        shape = (batch, self.width) if length is None else (batch, length, self.width)
        out = torch.full(shape, NOT_CACHED, dtype=torch.float32)
        for slot, row in enumerate(rows.tolist()):
            start, end = int(self.offsets[row]), int(self.offsets[row + 1])
            values = torch.from_numpy(self.values[start:end].astype(np.float32))
            indices = torch.from_numpy(self.indices[start:end].astype(np.int64))
            if length is None:
                out[slot].scatter_(-1, indices[0], values[0])
            else:
                count = min(end - start, length)
                out[slot, :count].scatter_(-1, indices[:count], values[:count])
        return out.to(device)

    def save(self, folder: Path) -> None:
        """Write the files beside `folder`, then rename the whole into place."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        for name, array in zip(FILES, (self.values, self.indices, self.offsets), strict=True):
            np.save(staging / name, array, allow_pickle=False)
        description = {"k": int(self.values.shape[1]), "width": self.width, "kind": self.kind}
        description["samples"] = self.samples
        (staging / DESCRIPTION).write_text(json.dumps(description, sort_keys=True), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)


def load_table(folder: Path, *, samples: int, k: int, width: int, kind: TaskKind) -> LogitsTable | None:
    """The table in `folder` if it is complete and fits (same samples, k, width, kind); None otherwise."""
    try:
        description = json.loads((folder / DESCRIPTION).read_text(encoding="utf-8"))
        arrays = [np.load(folder / name, allow_pickle=False) for name in FILES]
    except (OSError, ValueError):
        return None
    expected = {"samples": samples, "k": k, "width": width, "kind": kind}
    if description != expected:
        log.warning("the cached teacher outputs in %s do not fit this run: computing them again", folder)
        return None
    values, indices, offsets = arrays
    return LogitsTable(values=values, indices=indices, offsets=offsets, width=width, kind=kind)


def kept_classes(kind: TaskKind, width: int, top_k: int) -> int:
    """How many classes per position are kept: every label of a multi-label task, else the top k."""
    return width if kind == "multi_label" else min(top_k, width)


@torch.no_grad()
def compute_table(
    teacher: PreTrainedModel, batches: Iterable[dict[str, Any]], *, kind: TaskKind, k: int, width: int
) -> LogitsTable:
    """Run the teacher over the batches (the training split, in order) and keep the top k per position."""
    teacher.eval()  # type: ignore[no-untyped-call]
    device = next(teacher.parameters()).device
    values: list[np.ndarray] = []
    indices: list[np.ndarray] = []
    lengths: list[int] = []
    for batch in batches:
        inputs = {key: value.to(device) for key, value in batch.items()}
        with torch.inference_mode():  # no autograd graph: the teacher is only read
            logits = teacher(**inputs).logits.float()
        if kind == "seq2seq":
            real = (inputs["labels"] != IGNORED_LABEL).sum(dim=-1).tolist()
            logits_per_row = [logits[row, :count] for row, count in enumerate(real)]
        else:
            logits_per_row = [logits[row : row + 1] for row in range(logits.shape[0])]
        for row_logits in logits_per_row:
            top = row_logits.topk(k, dim=-1)
            values.append(top.values.cpu().numpy().astype(np.float16))
            indices.append(top.indices.cpu().numpy().astype(np.int32))
            lengths.append(int(row_logits.shape[0]))
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    return LogitsTable(
        values=np.concatenate(values) if values else np.zeros((0, k), np.float16),
        indices=np.concatenate(indices) if indices else np.zeros((0, k), np.int32),
        offsets=offsets,
        width=width,
        kind=kind,
    )
