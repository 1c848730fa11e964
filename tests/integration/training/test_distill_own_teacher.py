"""DistillModel with a teacher never published to storage: a T5 folder made with transformers, a dataset
built on its tokenizer, a student distilled and published; and the one-line refusals before training."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dependency_injector import providers

from codemill.application.datasets.build_dataset import BuildDatasetRequest, UserFile
from codemill.application.distillation.distill_model import DistillRequest
from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.errors import InputError
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.ports.progress import ProgressReporter
from codemill.domain.training import TrainingConfig, TrainingOutcome
from codemill.infrastructure.tokenizers.bpe_tokenizer_provider import HfTokenizerProvider
from codemill.infrastructure.training.distillation.hf_teacher_locator import folder_fingerprint
from codemill.presentation.container import Container
from codemill.presentation.settings import load_settings
from tests.integration.training.training_data import name_samples
from tests.support.own_teacher import save_t5_teacher, write_code_file

BUDGET = TrainingConfig(
    max_steps=4,
    eval_every=4,
    batch_size=8,
    max_input_length=32,
    max_target_length=8,
    generation_max_length=8,
)


class NoTraining:
    """ModelTrainer that must not be reached."""

    def train(self, job: TrainingJob, progress: ProgressReporter) -> TrainingOutcome:
        raise AssertionError("training started")


def _tokenizer_files(seed: int, vocab_size: int) -> dict[str, bytes]:
    texts = [f"{sample.text} {sample.target}" for sample in name_samples(120, seed)]
    return HfTokenizerProvider().train(texts, vocab_size=vocab_size, min_frequency=1).files()


@pytest.fixture(scope="module")
def teacher_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_t5_teacher(tmp_path_factory.mktemp("own") / "my-codet5", _tokenizer_files(1, 400))


@pytest.fixture(scope="module")
def container(teacher_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Container:
    """Local storage holding one dataset, `names`, built from a file with the teacher's tokenizer."""
    root = tmp_path_factory.mktemp("distill-own")
    settings = load_settings(
        storage={"root": root / "store"}, work_dir=root / "work", cache_dir=root / "cache"
    )
    container = Container()
    container.settings.override(providers.Object(settings))
    data = write_code_file(root / "names.jsonl", name_samples(160, 4))
    container.build_dataset().execute(
        BuildDatasetRequest(
            name="names",
            task=TaskSpec(task=TaskType.GENERATION),
            user_file=UserFile(location=str(data), target_column="target"),
            tokenizer=str(teacher_dir),
            max_input_length=32,
            max_target_length=8,
        )
    )
    return container


def test_a_local_teacher_folder_is_distilled_and_named_in_the_run_record(
    container: Container, teacher_dir: Path
) -> None:
    fingerprint = folder_fingerprint(teacher_dir)
    result = container.distill_model().execute(
        DistillRequest(
            teacher=str(teacher_dir), dataset="names", name="student", student="tiny", config=BUDGET
        )
    )
    assert result.status == "completed" and result.model_manifest is not None
    store = container.artifact_store()
    published = {key.split("/")[1] for key in store.list("models/")}
    assert published == {"student"}  # the teacher stays a local folder
    record = container.runs().record("student")
    assert record["teacher"] == str(teacher_dir.resolve()) and record["teacher_origin"] == "local"
    assert record["teacher_fingerprint"] == fingerprint and record["teacher_revision"] is None
    assert result.report["teacher"] == str(teacher_dir.resolve()) and result.report["speedup"] > 0
    caches = [key for key in store.list("distill-cache/") if key.endswith("manifest.json")]
    assert len(caches) == 1
    assert json.loads(store.open(caches[0]).read())["metadata"]["teacher_fingerprint"] == fingerprint


def test_a_teacher_of_another_vocabulary_is_one_line_before_training(
    container: Container, tmp_path: Path
) -> None:
    other = save_t5_teacher(tmp_path / "other-t5", _tokenizer_files(2, 300))
    container.trainer.override(providers.Object(NoTraining()))
    try:
        with pytest.raises(InputError) as raised:
            container.distill_model().execute(
                DistillRequest(teacher=str(other), dataset="names", name="refused", config=BUDGET)
            )
    finally:
        container.trainer.reset_override()
    message = str(raised.value)
    assert "\n" not in message
    assert re.search(r"the teacher's tokenizer \(\d+ tokens\) is not the dataset's \(\d+ tokens\)", message)
    assert message.endswith(f"build the dataset with --tokenizer {other.resolve()}")
    assert not list(container.artifact_store().list("runs/refused/"))


@pytest.mark.parametrize(
    ("teacher", "message"),
    [
        (
            "./no/such/teacher",
            "teacher './no/such/teacher' is not a model in storage, an existing folder nor",
        ),
        ("someone/absent-t5", "cannot download teacher 'someone/absent-t5'"),
    ],
)
def test_a_teacher_found_nowhere_is_one_line(container: Container, teacher: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        container.distill_model().execute(
            DistillRequest(teacher=teacher, dataset="names", name="nowhere", config=BUDGET)
        )
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)
