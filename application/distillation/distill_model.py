"""DistillModel: train a smaller student to match a trained teacher, and report what was kept and gained."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemill.application.distillation.report import build_report, render_report
from codemill.application.publishing.hashing import config_hash
from codemill.application.training.model_card import render_model_card
from codemill.application.training.publication import (
    Resume,
    RunPublisher,
    RunResumer,
    exportable,
    label_names,
    manifest_sha256,
    run_status,
    task_of,
)
from codemill.domain.dataset import TaskSpec
from codemill.domain.distillation import DistillationConfig
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.evaluation_metrics import DEFAULT_METRIC
from codemill.domain.manifest import Manifest
from codemill.domain.names import NAME_PATTERN, check_name
from codemill.domain.ports.dataset_repository import DatasetRepository
from codemill.domain.ports.model_profiler import ModelProfiler
from codemill.domain.ports.model_resolver import ModelResolver
from codemill.domain.ports.model_trainer import DistillationJob, ModelTrainer, TrainingJob
from codemill.domain.ports.progress import NullProgress, ProgressReporter
from codemill.domain.ports.run_repository import RunRepository
from codemill.domain.ports.teacher_cache import TeacherCache
from codemill.domain.ports.teacher_locator import LocatedTeacher, TeacherLocator
from codemill.domain.registry import RegistryReference, is_registry_reference
from codemill.domain.training import TrainingConfig, TrainingOutcome

log = logging.getLogger("codemill.distill")
REPORT_JSON, REPORT_MD = "distillation_report.json", "distillation_report.md"


@dataclass(frozen=True, kw_only=True)
class DistillRequest:
    teacher: str  # registry:NAME@ALIAS or registry:NAME/VERSION; else a model in storage (models/TEACHER),
    # else a local model folder, else a hub name (org/name)
    dataset: str
    name: str  # the student's run and model name
    student: str = "tiny"  # a preset, 'half' (the teacher with half its layers) or a local path
    config: TrainingConfig = field(default_factory=TrainingConfig)  # the student's training budget
    distillation: DistillationConfig = field(default_factory=DistillationConfig)
    resume: Resume = False
    teacher_revision: str | None = None  # the hub commit or tag of a hub teacher; None: unpinned
    overwrite: bool = False  # replace a published model of this name (recorded as replaced)


@dataclass(frozen=True, kw_only=True)
class DistillResult:
    name: str
    status: str  # 'completed', 'stopped_early', 'interrupted', 'diverged'
    metrics: dict[str, float]  # the student's, on the test split
    teacher_metrics: dict[str, float]
    retention: float | None  # student / teacher on the monitored metric
    report: dict[str, Any]  # empty when no model was exported
    model_manifest: Manifest | None
    run_manifest: Manifest | None


class DistillModel:
    """Distill a trained teacher into a student on a dataset, with TrainModel's trainer and checkpoints.

    - The teacher is a registry version (`registry:NAME@ALIAS`,
      `registry:NAME/VERSION`, through the ModelResolver; recorded as the
      version it resolved to) or, for a plain reference, in this order: a
      model published in storage (it wins over a local folder of the same
      name), a local model folder (config and safetensors weights), a hub
      name (org/name). Anything else is a one-line error.
    - A stored or registered teacher's run record (a version's lineage) must
      name the dataset's task (a teacher without one is checked by the
      trainer alone); every teacher's
      tokenizer must be the dataset's, checked before any teacher output or
      training step; the trainer checks the kind of task and the labels.
      Each mismatch is a one-line error before training starts.
    - The teacher's top-k outputs are cached in storage under
      `distill-cache/KEY/` (KEY: sha256 of the teacher's fingerprint, the
      dataset's manifest, k and the input lengths) and reused by later runs;
      the online teacher is used when the cache is off or hidden states are
      matched. A stored teacher's fingerprint is the sha256 of its manifest.
    - Checkpoints, resume and the run record work as in TrainModel; the run
      record adds the teacher (reference, origin, fingerprint, hub revision)
      and the report.
    - A finished run exports the student to `models/NAME/` like a trained
      model, with `distillation_report.json` and `.md`: teacher and student
      test metrics, retention, parameters, weights on disk, CPU latency (p50,
      batch 1), throughput (batch 32) and the speed-up.
    """

    def __init__(
        self,
        *,
        datasets: DatasetRepository,
        trainer: ModelTrainer,
        resumer: RunResumer,
        publisher: RunPublisher,
        runs: RunRepository,
        teacher_cache: TeacherCache,
        teachers: TeacherLocator,
        models: ModelResolver,
        profiler: ModelProfiler,
        workdir: str,
        progress: ProgressReporter | None = None,
        is_main_process: Callable[[], bool] = lambda: True,
    ) -> None:
        self._datasets = datasets
        self._trainer = trainer
        self._runs = runs
        self._cache = teacher_cache
        self._teachers = teachers
        self._models = models
        self._profiler = profiler
        self._resumer = resumer
        self._publisher = publisher
        self._workdir = Path(workdir)
        self._progress = progress or NullProgress()
        self._is_main = is_main_process

    def execute(self, request: DistillRequest) -> DistillResult:
        check_name(request.name, what="run")
        if request.name == request.teacher:
            raise InputError(f"the student needs a name of its own, not the teacher's ({request.teacher!r})")
        claimed = self._publisher.claimed(request.name, overwrite=request.overwrite, main=self._is_main())
        with claimed as lineage:
            return self._distill(request, lineage)

    def _distill(self, request: DistillRequest, lineage: dict[str, str]) -> DistillResult:
        manifest = self._datasets.manifest(request.dataset)
        task = task_of(manifest)
        teacher = self._teacher(request.teacher, task, request.teacher_revision)
        if request.teacher_revision is not None and teacher.origin != "hub":
            raise InputError(
                f"teacher {request.teacher!r} is not a hub name (it is {teacher.origin}): "
                "a revision pins hub models only"
            )
        config = dataclasses.replace(request.config, model=request.student)
        job, cache_key, cache_hit = self._job(request, manifest, teacher, config)
        outcome = self._trainer.train(job, self._progress)
        if not self._is_main():
            return _result(request.name, outcome, {}, None, None)
        self._keep_cache(job, cache_key, cache_hit, request, teacher)
        report = self._report(request, teacher, job, outcome) if exportable(outcome) else {}
        model_manifest, run_manifest = self._publisher.publish(
            name=request.name,
            dataset=request.dataset,
            dataset_manifest=manifest,
            job=job,
            outcome=outcome,
            model_files=self._model_files(request, task, outcome, report) if report else None,
            record={
                "teacher": teacher.reference,
                "teacher_origin": teacher.origin,
                "teacher_fingerprint": teacher.fingerprint,
                "teacher_revision": teacher.revision,
                "student": request.student,
                "distillation": dataclasses.asdict(request.distillation),
                "report": report or None,
                **lineage,
            },
        )
        return _result(request.name, outcome, report, model_manifest, run_manifest)

    def _teacher(self, reference: str, task: TaskSpec, revision: str | None = None) -> LocatedTeacher:
        """A registry version; else a model in storage (it wins over a same-named local folder), else a
        folder, else a hub name."""
        if is_registry_reference(reference):
            return self._registered_teacher(reference, task)
        stored = self._stored_manifest(reference)
        if stored is not None:
            self._check_teacher_task(reference, task)
            return LocatedTeacher(
                reference=reference,
                origin="storage",
                folder=self._runs.fetch_model(reference, str(self._workdir / "models")),
                fingerprint=manifest_sha256(stored),
            )
        located = self._teachers.locate(reference, revision)
        if located is not None:
            return located
        if NAME_PATTERN.fullmatch(reference):
            raise InputError(
                f"teacher model {reference!r} is not in storage nor a local folder: train it first "
                f"(codemill train DATASET --name {reference}), pick one of codemill storage ls models/, "
                "or pass a model folder or a hub name (org/name)"
            )
        raise InputError(
            f"teacher {reference!r} is not a model in storage, an existing folder nor a hub name (org/name): "
            "pass a model folder (config.json, safetensors weights, tokenizer)"
        )

    def _registered_teacher(self, reference: str, task: TaskSpec) -> LocatedTeacher:
        resolved = self._models.resolve(reference)
        pinned = str(RegistryReference(name=resolved.name, version=resolved.version))
        self._check_learnt_task(pinned, resolved.lineage.get("task"), task)
        log.info("teacher %s is %s", reference, pinned)
        return LocatedTeacher(
            reference=pinned, origin="registry", folder=resolved.folder, fingerprint=resolved.fingerprint
        )

    def _stored_manifest(self, reference: str) -> Manifest | None:
        if NAME_PATTERN.fullmatch(reference) is None:
            return None
        try:
            return self._runs.model_manifest(reference)
        except ArtifactNotFoundError:
            return None

    def _check_teacher_task(self, teacher: str, task: TaskSpec) -> None:
        """The teacher's run record names the task it learnt; without one, the trainer checks the model."""
        try:
            learnt = self._runs.record(teacher).get("task")
        except ArtifactNotFoundError:
            return
        self._check_learnt_task(teacher, learnt, task)

    def _check_learnt_task(self, teacher: str, learnt: Any, task: TaskSpec) -> None:
        if not isinstance(learnt, Mapping):
            return
        theirs = (
            str(learnt.get("task", "")),
            str(learnt.get("subtask", "")),
            str(learnt.get("label_field", "")),
        )
        ours = (task.task.value, task.subtask, task.label_field)
        if theirs != ours:
            raise InputError(
                f"teacher {teacher!r} was trained for {_task_name(*theirs)} but the dataset is "
                f"{_task_name(*ours)}: distill on a dataset of the teacher's task"
            )

    def _job(
        self, request: DistillRequest, manifest: Manifest, teacher: LocatedTeacher, config: TrainingConfig
    ) -> tuple[TrainingJob, str, bool]:
        folder = self._datasets.local_copy(request.dataset)
        self._teachers.check_vocabulary(teacher.folder, folder)  # before any teacher output or step
        key = teacher_cache_key(teacher.fingerprint, manifest, request.distillation, config)
        cache_dir, hit = None, False
        if not request.distillation.needs_online_teacher:
            cache_dir = str(self._workdir / "distill-cache" / key)
            hit = self._cache.fetch(key, cache_dir)
            log.info("teacher outputs: %s", "cached in storage" if hit else "computed once, then cached")
        run_dir = self._workdir / "runs" / request.name
        digest = config_hash(
            request.dataset,
            manifest.to_json(),
            config,
            request.distillation,
            teacher.fingerprint,
        )
        job = TrainingJob(
            dataset_dir=folder,
            task=task_of(manifest),
            label_names=label_names(Path(folder)),
            config=config,
            output_dir=str(run_dir),
            config_hash=digest,
            name=request.name,
            resume_from=self._resumer.resume_point(
                request.name, request.resume, run_dir / "checkpoints", digest
            ),
            distillation=DistillationJob(
                teacher_dir=teacher.folder, config=request.distillation, cache_dir=cache_dir
            ),
        )
        return job, key, hit

    def _keep_cache(
        self, job: TrainingJob, key: str, hit: bool, request: DistillRequest, teacher: LocatedTeacher
    ) -> None:
        """Publish the teacher outputs the trainer computed (its folder exists once complete)."""
        assert job.distillation is not None  # nosec B101  # an invariant for the type checker, not a security check
        folder = job.distillation.cache_dir
        if hit or folder is None or not Path(folder).is_dir():
            return
        metadata = {
            "teacher": teacher.reference,
            "teacher_fingerprint": teacher.fingerprint,
            "dataset": request.dataset,
            "top_k": request.distillation.top_k,
        }
        self._cache.publish(key, folder, metadata)

    def _report(
        self, request: DistillRequest, located: LocatedTeacher, job: TrainingJob, outcome: TrainingOutcome
    ) -> dict[str, Any]:
        assert job.distillation is not None and outcome.best_model_dir is not None  # nosec B101  # an invariant for the type checker, not a security check
        metric, mode = job.config.monitored(DEFAULT_METRIC[job.task.task])
        teacher = self._profiler.profile(job.distillation.teacher_dir, job, evaluate=True)
        student = self._profiler.profile(outcome.best_model_dir, job, evaluate=False)
        report = build_report(
            teacher=located.reference,
            student=request.name,
            dataset=request.dataset,
            metric=metric,
            mode=mode,
            teacher_profile=teacher,
            student_profile=student,
            student_metrics=outcome.metrics,
            config=request.distillation,
        )
        log.info(
            "student %s keeps %s of the teacher's %s with %s of its parameters, %.2fx faster",
            request.name,
            "-" if report["retention"] is None else f"{report['retention']:.1%}",
            metric,
            "-" if report["params_ratio"] is None else f"{report['params_ratio']:.1%}",
            report["speedup"],
        )
        return report

    def _model_files(
        self, request: DistillRequest, task: TaskSpec, outcome: TrainingOutcome, report: Mapping[str, Any]
    ) -> dict[str, bytes]:
        markdown = render_report(report)
        card = render_model_card(request.name, request.dataset, task, outcome, str(report["metric"]))
        return {
            "README.md": (card + "\n" + markdown.replace("# Distillation", "## Distillation", 1)).encode(
                "utf-8"
            ),
            "metrics.json": json.dumps(outcome.metrics, indent=2).encode("utf-8"),
            REPORT_JSON: json.dumps(report, indent=2, sort_keys=True).encode("utf-8"),
            REPORT_MD: markdown.encode("utf-8"),
        }


def teacher_cache_key(
    teacher_fingerprint: str, dataset: Manifest, options: DistillationConfig, config: TrainingConfig
) -> str:
    """sha256 of what decides the teacher's cached outputs: the teacher's fingerprint (a stored teacher's:
    its manifest's sha256), the dataset's manifest, k and the input lengths."""
    decided_by = {
        "teacher": teacher_fingerprint,
        "dataset": manifest_sha256(dataset),
        "top_k": options.top_k,
        "max_input_length": config.max_input_length,
        "max_target_length": config.max_target_length,
    }
    return hashlib.sha256(json.dumps(decided_by, sort_keys=True).encode("utf-8")).hexdigest()


def _task_name(task: str, subtask: str, label_field: str) -> str:
    detail = subtask or label_field
    return f"{task}/{detail}" if detail else task


def _result(
    name: str, outcome: TrainingOutcome, report: dict[str, Any], model: Manifest | None, run: Manifest | None
) -> DistillResult:
    return DistillResult(
        name=name,
        status=run_status(outcome),
        metrics=dict(outcome.metrics),
        teacher_metrics=dict(report.get("teacher_metrics", {})),
        retention=report.get("retention"),
        report=report,
        model_manifest=model,
        run_manifest=run,
    )
