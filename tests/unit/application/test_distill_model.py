import json
import re
from pathlib import Path

import pytest

from codemill.application.distillation.distill_model import DistillModel, DistillRequest, teacher_cache_key
from codemill.application.publishing.name_claims import NameClaims
from codemill.application.training.publication import RunPublisher, RunResumer, manifest_sha256
from codemill.domain.distillation import DistillationConfig
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.ports.teacher_locator import LocatedTeacher
from codemill.domain.training import CheckpointInfo, TrainingConfig, TrainingOutcome
from tests.fakes.distill_fakes import (
    CacheWritingTrainer,
    FixedProfiler,
    KnownTeachers,
    MemoryTeacherCache,
    TeacherRuns,
)
from tests.fakes.memory_store import InMemoryArtifactStore
from tests.fakes.registry_fakes import MemoryModelRegistry, MemoryModelResolver
from tests.fakes.training_fakes import FolderCheckpoints, FolderDatasets, ListTracker, MemoryRuns

CLS = {"task": "classification", "subtask": "", "label_field": "language"}
META = {"cls": {**CLS, "labels": ["go", "python"]}, "gen": {"task": "generation", "subtask": "summarize"}}


def _outcome(tmp_path: Path, **flags) -> TrainingOutcome:
    best = CheckpointInfo(step=10, epoch=1.0, metrics={"eval_macro_f1": 0.9}, location=str(tmp_path / "c10"))
    return TrainingOutcome(
        best=best,
        last=best,
        metrics={"macro_f1": 0.78, "accuracy": 0.76},
        history=({"step": 5, "loss": 0.7, "distill_kl": 0.2},),
        best_model_dir=str(tmp_path / "best"),
        **flags,
    )


def _use_case(
    tmp_path: Path,
    outcome: TrainingOutcome,
    cache: MemoryTeacherCache | None = None,
    teachers: KnownTeachers | None = None,
    registry: MemoryModelRegistry | None = None,
):
    trainer = CacheWritingTrainer(outcome)
    runs = TeacherRuns({"teacher": CLS}, tmp_path / "models")
    profiler = FixedProfiler()
    use_case = DistillModel(
        datasets=FolderDatasets(tmp_path / "datasets", META),
        trainer=trainer,
        resumer=RunResumer(FolderCheckpoints(), runs),
        publisher=RunPublisher(runs, ListTracker, {"torch": "2.13.0"}, NameClaims(InMemoryArtifactStore())),
        runs=runs,
        teacher_cache=cache or MemoryTeacherCache(),
        teachers=teachers or KnownTeachers(),
        models=MemoryModelResolver(MemoryRuns(), registry),
        profiler=profiler,
        workdir=str(tmp_path / "work"),
    )
    return use_case, trainer, runs, profiler


def _request(**changes) -> DistillRequest:
    options = {"teacher": "teacher", "dataset": "cls", "name": "student", "student": "tiny"}
    return DistillRequest(**{**options, "config": TrainingConfig(epochs=1, model="small"), **changes})


def test_a_finished_run_exports_the_student_with_its_report(tmp_path: Path) -> None:
    use_case, trainer, runs, profiler = _use_case(tmp_path, _outcome(tmp_path))
    result = use_case.execute(_request())

    job = trainer.jobs[0]
    assert job.config.model == "tiny"  # the student, whatever the budget's model said
    assert job.distillation is not None and job.distillation.teacher_dir == str(
        tmp_path / "models" / "teacher"
    )
    assert profiler.profiled == [
        (str(tmp_path / "models" / "teacher"), True),
        (str(tmp_path / "best"), False),
    ]
    assert result.status == "completed"
    assert result.teacher_metrics["macro_f1"] == 0.8
    assert result.retention == pytest.approx(0.78 / 0.8)
    assert result.report["params_ratio"] == 0.25 and result.report["speedup"] == 4.0
    folder, files = runs.exported["student"]
    assert folder == str(tmp_path / "best")
    assert json.loads(files["distillation_report.json"])["retention"] == pytest.approx(0.975)
    assert files["distillation_report.md"].startswith(b"# Distillation of `teacher` into `student`")
    assert b"## Distillation" in files["README.md"] and b"# Model `student`" in files["README.md"]
    _, record = runs.published["student"]
    assert record["teacher"] == "teacher" and record["student"] == "tiny"
    assert record["teacher_origin"] == "storage" and record["teacher_revision"] is None
    assert record["teacher_fingerprint"] == manifest_sha256(runs.model_manifest("teacher"))
    assert record["report"]["retention"] == pytest.approx(0.975)
    assert record["config"]["model"] == "tiny"


def test_the_teacher_outputs_are_published_once_then_fetched(tmp_path: Path) -> None:
    cache = MemoryTeacherCache()
    use_case, trainer, _, _ = _use_case(tmp_path, _outcome(tmp_path), cache)
    use_case.execute(_request())
    assert len(cache.published) == 1
    key = next(iter(cache.published))
    assert trainer.jobs[0].distillation.cache_dir.endswith(key)

    other_work = tmp_path / "elsewhere"
    again, trainer2, _, _ = _use_case(other_work, _outcome(other_work), cache)
    again.execute(_request(name="student2"))
    assert (Path(trainer2.jobs[0].distillation.cache_dir) / "values.npy").read_bytes() == b"teacher outputs"
    assert len(cache.published) == 1

    changed_k = _request(name="student3", distillation=DistillationConfig(top_k=5))
    use_case.execute(changed_k)
    assert len(cache.published) == 2  # another k, another key


def test_without_the_cache_or_with_hidden_matching_the_teacher_runs_online(tmp_path: Path) -> None:
    cache = MemoryTeacherCache()
    use_case, trainer, _, _ = _use_case(tmp_path, _outcome(tmp_path), cache)
    use_case.execute(_request(distillation=DistillationConfig(use_cache=False)))
    use_case.execute(_request(name="s2", distillation=DistillationConfig(weights={"kl": 1, "hidden": 1})))
    assert [job.distillation.cache_dir for job in trainer.jobs] == [None, None]
    assert cache.published == {}


@pytest.mark.parametrize("flag", ["interrupted", "diverged"])
def test_an_unfinished_run_exports_nothing_and_reports_nothing(tmp_path: Path, flag: str) -> None:
    use_case, _, runs, profiler = _use_case(tmp_path, _outcome(tmp_path, **{flag: True}))
    result = use_case.execute(_request())
    assert result.status == flag and result.report == {} and result.retention is None
    assert runs.exported.keys() == {"teacher"} and profiler.profiled == []
    assert runs.published["student"][1]["status"] == flag


@pytest.mark.parametrize(
    ("request_changes", "message"),
    [
        ({"teacher": "nobody"}, "teacher model 'nobody' is not in storage"),
        ({"dataset": "gen"}, "trained for classification/language but the dataset is generation/summarize"),
        ({"name": "teacher"}, "a name of its own"),
        ({"name": "../x"}, "run"),
    ],
)
def test_bad_inputs_are_refused_before_training(tmp_path: Path, request_changes, message) -> None:
    use_case, trainer, _, _ = _use_case(tmp_path, _outcome(tmp_path))
    with pytest.raises(InputError, match=message):
        use_case.execute(_request(**request_changes))
    assert trainer.jobs == []


def test_a_second_run_of_the_same_name_needs_resume(tmp_path: Path) -> None:
    use_case, _, _, _ = _use_case(tmp_path, _outcome(tmp_path))
    use_case.execute(_request())
    with pytest.raises(InputError, match="--resume"):
        use_case.execute(_request())
    use_case.execute(_request(resume=True))


def _folder_teacher(tmp_path: Path, fingerprint: str = "f" * 64) -> LocatedTeacher:
    return LocatedTeacher(
        reference=str(tmp_path / "my-codet5"),
        origin="local",
        folder=str(tmp_path / "my-codet5"),
        fingerprint=fingerprint,
    )


def test_a_teacher_outside_storage_is_located_checked_and_named_in_the_record(tmp_path: Path) -> None:
    located = _folder_teacher(tmp_path)
    teachers = KnownTeachers({"./my-codet5": located})
    cache = MemoryTeacherCache()
    use_case, trainer, runs, profiler = _use_case(tmp_path, _outcome(tmp_path), cache, teachers)
    result = use_case.execute(_request(teacher="./my-codet5"))

    assert result.status == "completed"
    job = trainer.jobs[0]
    assert job.distillation.teacher_dir == located.folder
    assert teachers.checked == [(located.folder, job.dataset_dir)]
    assert profiler.profiled[0] == (located.folder, True)
    _, record = runs.published["student"]
    assert record["teacher"] == located.folder and record["teacher_origin"] == "local"
    assert record["teacher_fingerprint"] == "f" * 64
    assert record["report"]["teacher"] == located.folder
    dataset = FolderDatasets(tmp_path / "datasets", META).manifest("cls")
    key = teacher_cache_key("f" * 64, dataset, DistillationConfig(), job.config)
    assert cache.fetched == [key] and set(cache.published) == {key}
    assert runs.exported.keys() == {"teacher", "student"}  # the teacher itself is not published


def test_another_fingerprint_is_another_cache_key_and_config_hash(tmp_path: Path) -> None:
    teachers = KnownTeachers(
        {
            "./a": _folder_teacher(tmp_path, fingerprint="a" * 64),
            "./b": _folder_teacher(tmp_path, fingerprint="b" * 64),
        }
    )
    cache = MemoryTeacherCache()
    use_case, trainer, _, _ = _use_case(tmp_path, _outcome(tmp_path), cache, teachers)
    use_case.execute(_request(teacher="./a", name="s1"))
    use_case.execute(_request(teacher="./b", name="s2"))
    assert len(set(cache.fetched)) == 2 and len(cache.published) == 2
    assert trainer.jobs[0].config_hash != trainer.jobs[1].config_hash


def test_a_model_in_storage_wins_over_a_local_folder_of_the_same_name(tmp_path: Path) -> None:
    teachers = KnownTeachers({"teacher": _folder_teacher(tmp_path)})
    use_case, trainer, runs, _ = _use_case(tmp_path, _outcome(tmp_path), teachers=teachers)
    use_case.execute(_request())
    assert trainer.jobs[0].distillation.teacher_dir == str(tmp_path / "models" / "teacher")
    assert runs.published["student"][1]["teacher_origin"] == "storage"


def test_a_teacher_outside_storage_skips_the_run_record_task_check(tmp_path: Path) -> None:
    teachers = KnownTeachers({"org/codet5": _folder_teacher(tmp_path)})
    use_case, trainer, _, _ = _use_case(tmp_path, _outcome(tmp_path), teachers=teachers)
    use_case.execute(_request(teacher="org/codet5", dataset="gen"))  # the trainer checks the model itself
    assert len(trainer.jobs) == 1


def test_a_teacher_of_another_vocabulary_is_refused_before_the_cache_and_training(tmp_path: Path) -> None:
    located = _folder_teacher(tmp_path)
    teachers = KnownTeachers({"./my-codet5": located}, other_vocabulary=frozenset({located.folder}))
    cache = MemoryTeacherCache()
    use_case, trainer, runs, _ = _use_case(tmp_path, _outcome(tmp_path), cache, teachers)
    with pytest.raises(InputError, match=re.escape(f"--tokenizer {located.folder}")):
        use_case.execute(_request(teacher="./my-codet5"))
    assert trainer.jobs == [] and cache.fetched == [] and "student" not in runs.published


@pytest.mark.parametrize(
    ("teacher", "message"),
    [
        ("nobody", "teacher model 'nobody' is not in storage nor a local folder"),
        (
            "./no/such/folder",
            "teacher './no/such/folder' is not a model in storage, an existing folder nor a hub",
        ),
    ],
)
def test_a_teacher_found_nowhere_is_one_line(tmp_path: Path, teacher: str, message: str) -> None:
    use_case, trainer, _, _ = _use_case(tmp_path, _outcome(tmp_path))
    with pytest.raises(InputError, match=message) as raised:
        use_case.execute(_request(teacher=teacher))
    assert "\n" not in str(raised.value) and trainer.jobs == []


def test_a_registry_teacher_is_resolved_checked_and_recorded_as_its_version(tmp_path: Path) -> None:
    registry = MemoryModelRegistry()
    registry.add_version("kinds", str(tmp_path / "v1"), {"task": CLS})
    registry.point("kinds", "production", registry.add_version("kinds", str(tmp_path / "v2"), {"task": CLS}))
    teachers = KnownTeachers({"registry:kinds@production": _folder_teacher(tmp_path)})  # never asked
    use_case, trainer, runs, _ = _use_case(tmp_path, _outcome(tmp_path), teachers=teachers, registry=registry)
    use_case.execute(_request(teacher="registry:kinds@production"))

    job = trainer.jobs[0]
    assert job.distillation.teacher_dir == str(tmp_path / "v2")
    assert teachers.checked == [(str(tmp_path / "v2"), job.dataset_dir)]
    _, record = runs.published["student"]
    assert record["teacher"] == "registry:kinds/2" and record["teacher_origin"] == "registry"
    assert record["teacher_fingerprint"] == registry.version("kinds", 2).manifest_sha256


def test_a_registry_teacher_of_another_task_or_alias_is_refused(tmp_path: Path) -> None:
    registry = MemoryModelRegistry()
    registry.point("kinds", "staging", registry.add_version("kinds", str(tmp_path / "v1"), {"task": CLS}))
    use_case, trainer, _, _ = _use_case(tmp_path, _outcome(tmp_path), registry=registry)
    with pytest.raises(InputError, match="'registry:kinds/1' was trained for classification/language"):
        use_case.execute(_request(teacher="registry:kinds@staging", dataset="gen"))
    with pytest.raises(ArtifactNotFoundError, match="no alias 'production'"):
        use_case.execute(_request(teacher="registry:kinds@production"))
    assert trainer.jobs == []
