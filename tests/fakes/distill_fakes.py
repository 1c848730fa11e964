"""Hand-written fakes of the distillation step's own ports, and a run repository that knows a teacher."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, final

from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.manifest import Manifest
from codemill.domain.model_speed import SpeedFigures
from codemill.domain.ports.model_profiler import ModelProfile, ModelProfiler
from codemill.domain.ports.model_trainer import TrainingJob
from codemill.domain.ports.progress import ProgressReporter
from codemill.domain.ports.teacher_cache import TeacherCache
from codemill.domain.ports.teacher_locator import LocatedTeacher, TeacherLocator
from codemill.domain.training import TrainingOutcome
from tests.fakes.training_fakes import MemoryRuns, ScriptedTrainer


@final
class TeacherRuns(MemoryRuns):
    """MemoryRuns with exported teachers and their run records."""

    def __init__(self, teachers: Mapping[str, Mapping[str, Any]], folder: Path) -> None:
        super().__init__()
        self.records = {name: {"task": dict(task)} for name, task in teachers.items()}
        for name in teachers:
            self.exported[name] = (str(folder / name), {})

    def record(self, name: str) -> dict[str, Any]:
        if name not in self.records:
            raise ArtifactNotFoundError(f"run '{name}' does not exist or was never completed")
        return self.records[name]


@final
class CacheWritingTrainer(ScriptedTrainer):
    """Writes the teacher outputs folder when the job asks for a cache, as the real trainer does."""

    def train(self, job: TrainingJob, progress: ProgressReporter) -> TrainingOutcome:
        cache = job.distillation.cache_dir if job.distillation else None
        if cache is not None and not Path(cache).is_dir():
            Path(cache).mkdir(parents=True)
            (Path(cache) / "values.npy").write_bytes(b"teacher outputs")
        return super().train(job, progress)


@final
class MemoryTeacherCache(TeacherCache):
    def __init__(self) -> None:
        self.published: dict[str, dict[str, bytes]] = {}
        self.fetched: list[str] = []

    def fetch(self, key: str, local_folder: str) -> bool:
        self.fetched.append(key)
        if key not in self.published:
            return False
        for name, data in self.published[key].items():
            (Path(local_folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(local_folder) / name).write_bytes(data)
        return True

    def publish(self, key: str, local_folder: str, metadata: Mapping[str, Any]) -> Manifest:
        self.published[key] = {p.name: p.read_bytes() for p in Path(local_folder).iterdir()}
        return Manifest(kind="teacher-logits", entries=(), created_at="now", metadata=dict(metadata))


@final
class KnownTeachers(TeacherLocator):
    """Teachers outside storage that the test lists, by reference; `other_vocabulary` lists the folders
    whose tokenizer is not the dataset's. Records every vocabulary check."""

    def __init__(
        self,
        teachers: Mapping[str, LocatedTeacher] | None = None,
        other_vocabulary: frozenset[str] = frozenset(),
    ) -> None:
        self.teachers = dict(teachers or {})
        self.other_vocabulary = other_vocabulary
        self.checked: list[tuple[str, str]] = []
        self.revisions: list[str | None] = []

    def locate(self, reference: str, revision: str | None = None) -> LocatedTeacher | None:
        self.revisions.append(revision)
        return self.teachers.get(reference)

    def check_vocabulary(self, teacher_dir: str, dataset_dir: str) -> None:
        self.checked.append((teacher_dir, dataset_dir))
        if teacher_dir in self.other_vocabulary:
            raise InputError(
                f"the teacher's tokenizer is not the dataset's: build it with --tokenizer {teacher_dir}"
            )


@final
class FixedProfiler(ModelProfiler):
    """Big, slow teachers and small, fast students; the teacher scores 0.8 accuracy."""

    def __init__(self) -> None:
        self.profiled: list[tuple[str, bool]] = []

    def profile(self, model_dir: str, job: TrainingJob, *, evaluate: bool) -> ModelProfile:
        self.profiled.append((model_dir, evaluate))
        teacher = evaluate
        speed = SpeedFigures(
            device="cpu",
            latency_p50_ms=8.0 if teacher else 2.0,
            latency_p95_ms=9.0,
            latency_p99_ms=10.0,
            throughput_per_s=100.0 if teacher else 500.0,
            batch_size=32,
            samples=30,
        )
        return ModelProfile(
            parameters=4000 if teacher else 1000,
            size_bytes=16000 if teacher else 4000,
            speed=speed,
            metrics={"accuracy": 0.8, "macro_f1": 0.8} if teacher else {},
        )
