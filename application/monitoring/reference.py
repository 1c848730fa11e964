"""The reference a prediction log is compared with: a dataset split, measured and predicted like the log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from codemill.domain.errors import CodemillError, InputError
from codemill.domain.ports.dataset_repository import DatasetRepository
from codemill.domain.ports.input_featurizer import InputFeaturizer
from codemill.domain.ports.model_lineage import ModelLineage
from codemill.domain.ports.model_loader import ModelLoader
from codemill.domain.ports.model_resolver import ModelResolver, ResolvedModel
from codemill.domain.prediction import Prediction
from codemill.domain.prediction_record import PredictionRecord, record_of

log = logging.getLogger("codemill.monitor")
_BATCH = 32


@dataclass(frozen=True, kw_only=True)
class Reference:
    model: ResolvedModel
    dataset: str
    split: str
    records: tuple[PredictionRecord, ...]


class ReferenceBuilder:
    """Builds the reference side of a drift comparison.

    - The model is resolved like everywhere else (registry references,
      stored names, folders); its tokenizer measures the reference inputs,
      and the model itself predicts them in batches of 32, so that labels
      and confidences are compared like for like.
    - The dataset is the one asked for, else the one the model was trained
      on as its lineage records it (the registry version's record, or the
      stored model's run record); neither is a one-line InputError that says
      to name one.
    - At most `limit` samples of the split are used, in stored order.
    """

    def __init__(
        self,
        *,
        resolver: ModelResolver,
        lineage: ModelLineage,
        loader: ModelLoader,
        datasets: DatasetRepository,
        featurizer: InputFeaturizer,
        scoped_datasets: Callable[[str], DatasetRepository] | None = None,
    ) -> None:
        """`scoped_datasets`: the datasets under a storage prefix (a pipeline run's), for a model whose
        lineage records one (`scope`)."""
        self._resolver = resolver
        self._lineage = lineage
        self._loader = loader
        self._datasets = datasets
        self._featurizer = featurizer
        self._scoped_datasets = scoped_datasets

    def build(self, *, model: str, dataset: str | None, split: str, limit: int) -> Reference:
        resolved = self._resolver.resolve(model)
        name = dataset or self._trained_on(resolved)
        codes = [
            sample.text for sample in self._datasets_of(resolved, dataset).samples(name, split, limit=limit)
        ]
        if not codes:
            raise InputError(f"the {split} split of dataset {name!r} is empty: choose another with --split")
        log.info("reference: %d samples of %s/%s, measured with %s", len(codes), name, split, model)
        features = self._featurizer.featurize(resolved.folder, codes)
        predictions = self._predict(resolved, codes)
        texts = [p.text for p in predictions if p.text is not None]
        lengths = iter(self._featurizer.token_counts(resolved.folder, texts) if texts else [])
        records = tuple(
            record_of(
                time=0.0,
                model=resolved.name,
                version=resolved.version,
                fingerprint=resolved.fingerprint,
                features=measured,
                prediction=prediction,
                output_length=next(lengths) if prediction.text is not None else None,
                latency_ms=None,
            )
            for measured, prediction in zip(features, predictions, strict=True)
        )
        return Reference(model=resolved, dataset=name, split=split, records=records)

    def _predict(self, model: ResolvedModel, codes: Sequence[str]) -> list[Prediction]:
        runner = self._loader.load(model)
        predictions: list[Prediction] = []
        for start in range(0, len(codes), _BATCH):
            predictions += runner.predict(codes[start : start + _BATCH])
        return predictions

    def _datasets_of(self, model: ResolvedModel, asked: str | None) -> DatasetRepository:
        """The datasets at the root, or under the scope the lineage records for the model's own dataset
        (a model registered from a pipeline run)."""
        scope = model.lineage.get("scope")
        if asked is None and isinstance(scope, str) and scope and self._scoped_datasets is not None:
            scoped: DatasetRepository = self._scoped_datasets(scope)
            return scoped
        return self._datasets

    def _trained_on(self, model: ResolvedModel) -> str:
        recorded = model.lineage.get("dataset")
        if not recorded and model.origin == "storage":
            try:
                recorded = self._lineage.of_stored_model(model.name).get("dataset")
            except CodemillError as exc:
                log.info("no lineage for %s: %s", model.name, exc)
        name = recorded.get("name") if isinstance(recorded, Mapping) else recorded
        if not isinstance(name, str) or not name:
            raise InputError(
                f"the lineage of {model.reference} names no dataset it was trained on: "
                "name the reference with --reference DATASET"
            )
        return name
