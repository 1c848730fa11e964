"""Hand-written fakes of the monitoring ports: a featurizer, a prediction log in memory, stand-in statistics,
a reference dataset, and a model that calls code long or short."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import final

from codemill.domain.dataset import Sample
from codemill.domain.errors import ArtifactNotFoundError, InputError, StorageUnavailableError
from codemill.domain.input_features import InputFeatures
from codemill.domain.ports.drift_statistics import CategoricalComparison, DriftStatistics, NumericComparison
from codemill.domain.ports.input_featurizer import InputFeaturizer
from codemill.domain.ports.model_loader import ModelLoader, ModelRunner
from codemill.domain.ports.model_resolver import ResolvedModel
from codemill.domain.ports.prediction_log_store import PredictionLogStore
from codemill.domain.prediction import Prediction
from codemill.domain.prediction_record import PredictionRecord
from tests.fakes.unsupported import UnsupportedDatasets


@final
class WordFeaturizer(InputFeaturizer):
    """Tokens are words; 'java' when the code says `public`, else 'python' (complexity: 1 + its `if`s)."""

    def __init__(self) -> None:
        self.folders: list[str] = []

    def featurize(self, model_folder: str, codes: Sequence[str]) -> list[InputFeatures]:
        self.folders.append(model_folder)
        return [
            InputFeatures(
                tokens=len(code.split()),
                language="java" if "public" in code else "python",
                complexity=float(1 + code.split().count("if")) if "public" not in code else None,
                oov_rate=0.0,
            )
            for code in codes
        ]

    def token_counts(self, model_folder: str, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) for text in texts]


@final
class MemoryPredictionLog(PredictionLogStore):
    """Files as lists of records; `down` makes every append fail as an unreachable store would."""

    def __init__(self) -> None:
        self.files: list[tuple[str, list[PredictionRecord]]] = []
        self.down = False
        self.unreadable = 0
        self._lock = threading.Lock()

    def append(self, name: str, records: Sequence[PredictionRecord]) -> str:
        if self.down:
            raise StorageUnavailableError("cannot reach the store (connection refused)")
        with self._lock:
            self.files.append((name, list(records)))
            return f"monitoring/{name}/predictions/{len(self.files):08d}.parquet"

    def read(self, name: str, *, since: float | None = None) -> list[PredictionRecord]:
        return [
            record
            for logged, records in self.files
            if logged == name
            for record in records
            if since is None or record.time >= since
        ]

    def names(self) -> list[str]:
        return sorted({name for name, _ in self.files})


@final
class MeanShiftStatistics(DriftStatistics):
    """Stand-in effect sizes, not PSI: the relative change of the mean; the total change of the shares."""

    def numeric(
        self, reference: Sequence[float], current: Sequence[float], *, bins: int = 10
    ) -> NumericComparison:
        ref, cur = sum(reference) / len(reference), sum(current) / len(current)
        shift = abs(cur - ref) / (abs(ref) + 1.0)
        return NumericComparison(psi=shift, ks_statistic=min(1.0, shift), ks_p_value=1.0 - min(1.0, shift))

    def categorical(self, reference: Mapping[str, int], current: Mapping[str, int]) -> CategoricalComparison:
        ref_total, cur_total = sum(reference.values()), sum(current.values())
        categories = set(reference) | set(current)
        moved = sum(abs(reference.get(c, 0) / ref_total - current.get(c, 0) / cur_total) for c in categories)
        return CategoricalComparison(
            psi=moved, chi2_statistic=moved * 10, chi2_p_value=1.0 - moved / 2, js_distance=moved / 2
        )


@final
class SplitDatasets(UnsupportedDatasets):
    """Datasets as {name: {split: [code, ...]}}."""

    def __init__(self, datasets: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
        self.datasets = {
            name: {split: list(codes) for split, codes in splits.items()} for name, splits in datasets.items()
        }

    def samples(self, name: str, split: str, *, limit: int | None = None) -> Iterator[Sample]:
        if name not in self.datasets:
            raise ArtifactNotFoundError(f"dataset {name!r} does not exist or was never completed")
        if split not in self.datasets[name]:
            raise InputError(f"dataset {name!r} has no {split} split")
        codes = self.datasets[name][split][:limit]
        return iter(Sample(id=str(index), text=code) for index, code in enumerate(codes))


@final
class LengthRunner(ModelRunner):
    """Calls code with more than 8 words 'long' (confidence 0.6), the rest 'short' (confidence 0.9)."""

    kind = "single_label"

    def predict(self, codes: Sequence[str]) -> list[Prediction]:
        return [
            Prediction(label="long", probabilities={"long": 0.6, "short": 0.4})
            if len(code.split()) > 8
            else Prediction(label="short", probabilities={"long": 0.1, "short": 0.9})
            for code in codes
        ]

    def warm_up(self, batch_sizes: Sequence[int]) -> None:
        pass


@final
class LengthLoader(ModelLoader):
    def __init__(self) -> None:
        self.loaded: list[ResolvedModel] = []

    def load(self, model: ResolvedModel) -> ModelRunner:
        self.loaded.append(model)
        return LengthRunner()
