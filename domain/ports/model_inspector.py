"""Port: a model folder examined for validation: its files, then the loaded model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from codemill.domain.model_speed import SpeedFigures
from codemill.domain.validation import SplitPredictions


@dataclass(frozen=True, kw_only=True)
class FolderFindings:
    """What the files of a model folder show: problems (fail), notes (warn) and figures."""

    problems: Sequence[str] = ()
    notes: Sequence[str] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)


class LoadedModel(Protocol):
    """A model and its tokenizer, loaded and ready on a device.

    Contract: `kind` is 'single_label', 'multi_label' or 'seq2seq';
    `summary` gives parameters, layers, hidden size, vocabulary and labels;
    `consistency_problems` lists what does not fit together (a tokenizer
    larger than the embedding matrix, a label map that does not match the
    head), empty when all fits; `smoke` runs the inputs once and raises a
    CodemillError when the outputs are not finite, of the wrong shape, or
    (generation) empty; `speed` times batch 1 and a batch of `batch_size`
    after warm-up; `predict` scores one split of a dataset folder with the
    model's own tokenizer, raw logits (no calibration), at most `limit` samples
    (a generator's predictions carry each sample's language when the dataset
    has a `language` column); a split the dataset lacks, or an empty one,
    raises InputError.
    """

    kind: str
    label_names: tuple[str, ...]

    def summary(self) -> dict[str, Any]: ...

    def consistency_problems(self) -> list[str]: ...

    def smoke(self, texts: Sequence[str]) -> dict[str, Any]: ...

    def speed(self, texts: Sequence[str], *, batch_size: int) -> SpeedFigures: ...

    def predict(self, dataset_dir: str, split: str, *, limit: int | None = None) -> SplitPredictions: ...


class ModelInspector(Protocol):
    """Examines model folders (config, weights, tokenizer) on the local disk.

    Contract: `check_files` never raises for a bad folder: it names every
    problem (a missing config, weights or tokenizer; a file that differs from
    the folder's manifest.json; a truncated or unreadable safetensors file;
    pickle-based weights unless `allow_pickle`); `load` raises a CodemillError
    with a one-line reason when the model cannot be loaded, or when its
    weights do not fit its configuration (another architecture). Pickle-based
    weights, when allowed, are read with torch's `weights_only=True` only.
    `device` is 'auto' (CUDA when available), 'cpu' or 'cuda'.
    """

    def check_files(self, folder: str, *, allow_pickle: bool) -> FolderFindings: ...

    def load(self, folder: str, *, allow_pickle: bool, device: str) -> LoadedModel: ...
