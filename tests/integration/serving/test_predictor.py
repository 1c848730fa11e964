"""Predictor, without HTTP, on tiny trained models: calibrated labels, multi-label sets, generations."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemill import Prediction, Predictor
from codemill.domain.errors import InputError
from codemill.presentation.serving import ServeConfig
from tests.fakes.serving_fakes import FakeModelResolver
from tests.integration.training.training_data import MULTI_LABEL, RISKS, risk_samples, write_dataset
from tests.support.serving import running_server, train_classifier, train_generator, train_model, use_resolver

SNIPPETS = ["def f(self):\n    return None", "func main() { defer x() }", "public static void main() {}"]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("models")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        splits = {"train": risk_samples(64, 1), "validation": risk_samples(16, 2), "test": []}
        risks = write_dataset(root / "risks", MULTI_LABEL, splits, sorted(RISKS))
        yield {
            "classifier": train_classifier(root / "kinds"),
            "generator": train_generator(root / "names"),
            "multi_label": train_model(risks, MULTI_LABEL, root / "risks-run", max_steps=10, batch_size=16),
        }
    torch.set_num_threads(threads)


def _predictor(folder: Path, **options: object) -> Predictor:
    container = use_resolver(FakeModelResolver("none", {}, {}))
    return Predictor.from_ref(str(folder), container=container, threads=1, **options)  # type: ignore[arg-type]


def test_a_classifier_answers_calibrated_probabilities_in_order(
    models: dict[str, Path], tmp_path: Path
) -> None:
    plain = _predictor(models["classifier"], batch_size=2)
    calibrated_dir = shutil.copytree(models["classifier"], tmp_path / "calibrated")
    (calibrated_dir / "calibration.json").write_text(json.dumps({"temperature": 4.0, "threshold": None}))
    calibrated = _predictor(calibrated_dir)
    assert plain.kind == "single_label" and plain.model.name == "best_model"
    raw, softened = plain.predict(SNIPPETS), calibrated.predict(SNIPPETS)
    assert [p.label for p in raw] == [plain.predict([code])[0].label for code in SNIPPETS]
    for before, after in zip(raw, softened, strict=True):
        assert before.label == after.label  # a temperature keeps the order of the classes
        assert before.probabilities is not None and after.probabilities is not None
        assert math.isclose(sum(after.probabilities.values()), 1.0, abs_tol=1e-5)
        assert max(after.probabilities.values()) < max(before.probabilities.values())


def test_a_multi_label_model_answers_the_labels_over_the_threshold(models: dict[str, Path]) -> None:
    predictions = _predictor(models["multi_label"]).predict(["assert x", "subprocess md5 x", "y"])
    for prediction in predictions:
        assert prediction.labels is not None and prediction.probabilities is not None
        assert set(prediction.probabilities) == set(RISKS)
        chosen = {name for name, p in prediction.probabilities.items() if p >= 0.5}
        assert set(prediction.labels) == chosen


def test_a_generator_answers_greedy_text_within_its_generation_length(models: dict[str, Path]) -> None:
    predictor = _predictor(models["generator"], max_new_tokens=8)
    predictions = predictor.predict(["def _( self ) : return self . load ( file )"] * 2 + ["x = 1"])
    assert predictor.kind == "seq2seq"
    assert all(isinstance(p, Prediction) and isinstance(p.text, str) for p in predictions)
    assert predictions[0].text == predictions[1].text  # greedy: the same input, the same text
    with pytest.raises(InputError, match="a list of code strings"):
        predictor.predict("def f(): pass")


def test_a_generator_is_served_over_http(models: dict[str, Path]) -> None:
    container = use_resolver(FakeModelResolver("none", {}, {}))
    config = ServeConfig(reference=str(models["generator"]), threads=1, max_new_tokens=8, max_latency_ms=1)
    with running_server(container, config) as server:
        server.wait_ready()
        status, body = server.predict(["def _( self ) : return self . save ( user )", "y = 2"])
        assert server.call("GET", "/v1/model")[1]["kind"] == "seq2seq"
    assert status == 200 and body["version"] is None
    assert [set(p) for p in body["predictions"]] == [{"text"}, {"text"}]
