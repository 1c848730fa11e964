"""Hub revisions through the use cases: in config hashes only when set, passed to the locator and the
tokenizer provider, the resolved commit recorded, and refused where nothing on the hub is pinned."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from codemill.application.datasets.build_dataset import BuildDatasetRequest
from codemill.application.publishing.hashing import config_hash
from codemill.application.training.train_model import TrainRequest
from codemill.domain.dataset import TaskSpec, TaskType
from codemill.domain.errors import InputError
from codemill.domain.ports.teacher_locator import LocatedTeacher
from codemill.domain.training import TrainingConfig
from tests.fakes.distill_fakes import KnownTeachers
from tests.unit.application.test_build_dataset import _use_case as dataset_use_case
from tests.unit.application.test_distill_model import _folder_teacher
from tests.unit.application.test_distill_model import _outcome as distill_outcome
from tests.unit.application.test_distill_model import _request as distill_request
from tests.unit.application.test_distill_model import _use_case as distill_use_case
from tests.unit.application.test_train_model import _outcome as train_outcome
from tests.unit.application.test_train_model import _use_case as train_use_case

COMMIT = "0123456789abcdef0123456789abcdef01234567"
GENERATION = TaskSpec(task=TaskType.GENERATION)


# -- config hashes --------------------------------------------------------------------------------------


def test_a_revision_changes_the_training_config_hash_only_when_set() -> None:
    unpinned = TrainingConfig(model="org/name")
    fields = dataclasses.asdict(unpinned).items()
    before = {key: value for key, value in fields if key not in {"revision", "report_to", "lora"}}
    assert config_hash(unpinned) == config_hash(before)  # configs made before revisions keep their hash
    pinned = config_hash(TrainingConfig(model="org/name", revision="v1"))
    assert pinned != config_hash(unpinned)
    assert pinned != config_hash(TrainingConfig(model="org/name", revision=COMMIT))
    assert pinned == config_hash(TrainingConfig(model="org/name", revision="v1"))


def test_a_tokenizer_revision_changes_the_dataset_config_hash_only_when_set() -> None:
    base = {"name": "d", "corpus": "c", "task": GENERATION, "tokenizer": "org/tok"}
    unpinned = BuildDatasetRequest(**base)  # type: ignore[arg-type]
    pinned = BuildDatasetRequest(**base, tokenizer_revision="v1")  # type: ignore[arg-type]
    plain = {
        key: value
        for key, value in dataclasses.asdict(unpinned).items()
        if key not in {"tokenizer_revision", "overwrite"}
    }
    assert config_hash(unpinned) == config_hash(plain)
    assert config_hash(pinned) != config_hash(unpinned)


# -- train ------------------------------------------------------------------------------------------


def test_train_passes_the_revision_on_and_records_the_loaded_commit(tmp_path: Path) -> None:
    use_case, trainer, runs = train_use_case(tmp_path, train_outcome(tmp_path, model_revision=COMMIT))
    config = TrainingConfig(epochs=1, model="org/name", revision="v1")
    use_case.execute(TrainRequest(dataset="cls", name="r1", config=config))
    job = trainer.jobs[0]
    assert job.config.model == "org/name" and job.config.revision == "v1"
    _, record = runs.published["r1"]
    assert record["model_revision"] == COMMIT
    assert record["config"]["revision"] == "v1"


def test_a_preset_run_records_no_model_revision(tmp_path: Path) -> None:
    use_case, _, runs = train_use_case(tmp_path, train_outcome(tmp_path))
    use_case.execute(TrainRequest(dataset="cls", name="r1", config=TrainingConfig(epochs=1)))
    assert runs.published["r1"][1]["model_revision"] is None


# -- distill ----------------------------------------------------------------------------------------


def _hub_teacher(tmp_path: Path) -> LocatedTeacher:
    return LocatedTeacher(
        reference="org/codet5",
        origin="hub",
        folder=str(tmp_path / "hub" / "snapshots" / COMMIT),
        fingerprint="e" * 64,
        revision=COMMIT,
    )


def test_a_hub_teacher_gets_the_revision_and_the_record_names_the_resolved_commit(tmp_path: Path) -> None:
    teachers = KnownTeachers({"org/codet5": _hub_teacher(tmp_path)})
    use_case, trainer, runs, _ = distill_use_case(tmp_path, distill_outcome(tmp_path), teachers=teachers)
    result = use_case.execute(distill_request(teacher="org/codet5", teacher_revision="v1.0"))
    assert result.status == "completed"
    assert teachers.revisions == ["v1.0"]  # the tag as asked; the locator resolves it
    _, record = runs.published["student"]
    assert record["teacher_origin"] == "hub" and record["teacher"] == "org/codet5"
    assert record["teacher_revision"] == COMMIT
    assert len(trainer.jobs) == 1


def test_an_unpinned_hub_teacher_asks_the_locator_without_a_revision(tmp_path: Path) -> None:
    teachers = KnownTeachers({"org/codet5": _hub_teacher(tmp_path)})
    use_case, _, runs, _ = distill_use_case(tmp_path, distill_outcome(tmp_path), teachers=teachers)
    use_case.execute(distill_request(teacher="org/codet5"))
    assert teachers.revisions == [None]
    assert runs.published["student"][1]["teacher_revision"] == COMMIT  # what the cache held


@pytest.mark.parametrize(("teacher", "origin"), [("teacher", "storage"), ("./my-codet5", "local")])
def test_a_revision_for_a_teacher_not_on_the_hub_is_refused_in_one_line(
    tmp_path: Path, teacher: str, origin: str
) -> None:
    teachers = KnownTeachers({"./my-codet5": _folder_teacher(tmp_path)})
    use_case, trainer, runs, _ = distill_use_case(tmp_path, distill_outcome(tmp_path), teachers=teachers)
    with pytest.raises(InputError) as raised:
        use_case.execute(distill_request(teacher=teacher, teacher_revision=COMMIT))
    message = str(raised.value)
    assert "\n" not in message
    assert f"(it is {origin})" in message and message.endswith("a revision pins hub models only")
    assert trainer.jobs == [] and "student" not in runs.published
    use_case.execute(distill_request(teacher=teacher))  # the name claim was let go
    assert len(trainer.jobs) == 1


# -- dataset build ------------------------------------------------------------------------------------


def test_a_pinned_tokenizer_records_the_resolved_commit_in_the_dataset_stats() -> None:
    use_case, datasets = dataset_use_case()
    request = BuildDatasetRequest(
        name="d", corpus="c", task=GENERATION, tokenizer="org/tok", tokenizer_revision="v1"
    )
    result = use_case.execute(request)
    assert result.stats.tokenizer.revision == "commit-of-v1"
    _, bundle = datasets.published["d"]
    assert bundle.stats["tokenizer"] == {"name": "org/tok", "vocab_size": 30522, "revision": "commit-of-v1"}


def test_an_unpinned_tokenizer_has_no_revision_in_the_stats() -> None:
    use_case, datasets = dataset_use_case()
    use_case.execute(BuildDatasetRequest(name="d", corpus="c", task=GENERATION, tokenizer="org/tok"))
    _, bundle = datasets.published["d"]
    assert bundle.stats["tokenizer"] == {"name": "org/tok", "vocab_size": 30522}


def test_a_tokenizer_revision_without_a_tokenizer_is_refused_before_publishing() -> None:
    use_case, datasets = dataset_use_case()
    with pytest.raises(InputError) as raised:
        use_case.execute(BuildDatasetRequest(name="d", corpus="c", task=GENERATION, tokenizer_revision="v1"))
    assert str(raised.value) == "a tokenizer revision pins a hub tokenizer: pass --tokenizer NAME with it"
    assert datasets.published == {}
