"""RunPipeline: collect -> dataset -> train -> distill -> validate as one isolated, resumable run."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from codemill.application.pipeline.pipeline_runs import (
    CONFIG_FILE,
    PIPELINE_KIND,
    RECORD_FILE,
    REPORT_FILE,
    PipelineRuns,
    run_prefix,
)
from codemill.application.pipeline.plan import PipelinePlan, PipelineScope, StepStatus
from codemill.application.pipeline.report import render_report, summarize
from codemill.application.pipeline.steps import StepRunner, step_runners
from codemill.application.publishing.artifacts import ArtifactWriter, verify_manifest
from codemill.application.publishing.hashing import config_hash, not_hashed, without_keys
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.manifest import MANIFEST_NAME, Manifest
from codemill.domain.pipeline import StepRecord, check_run_id, new_run_id, select_steps
from codemill.domain.ports.artifact_store import ArtifactStore
from codemill.domain.training import TrainingConfig

log = logging.getLogger("codemill.pipeline")
# Training settings that only say where a run is reported ([train] report_to): changing one reruns no step.
_REPORTING = not_hashed(TrainingConfig)


@dataclass(frozen=True, kw_only=True)
class PipelineRequest:
    plan: PipelinePlan
    resume: str | None = None  # a run id: skip the steps already done there
    steps: Sequence[str] | None = None
    from_step: str | None = None


@dataclass(frozen=True, kw_only=True)
class PipelineResult:
    run_id: str
    prefix: str
    steps: tuple[StepStatus, ...]
    summary: dict[str, Any]
    report: str
    manifest: Manifest


class RunPipeline:
    """Run the five steps as one run under `pipelines/RUN_ID/`, skipping what is already done.

    - A run id is the UTC start time plus the config hash; every step writes
      under the run's prefix, through the use cases `scope(run_id)` builds.
    - After each step a record (`steps/STEP.json`) stores the hash of the
      step's inputs (its config section and the manifests of what it reads)
      and the hash of its output's manifest. A step is skipped when its
      record matches the current inputs and its output still verifies;
      otherwise it runs again, and so does every step after it whose inputs
      thereby change.
    - The run manifest is deleted when a run starts or resumes and written
      last when it ends, so only a finished run looks complete; it lists the
      config, the run record (lineage: config hash, code and library
      versions, source commits, each step's input and output hashes), the
      step records and `report.md`.
    """

    def __init__(
        self,
        *,
        store: ArtifactStore,
        scope: Callable[[str], PipelineScope],
        versions: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._scope = scope
        self._versions = dict(versions or {})
        self._clock = clock

    def execute(self, request: PipelineRequest) -> PipelineResult:
        plan = request.plan
        selected = select_steps(request.steps, request.from_step, plan.enabled())
        digest = config_hash(plan.config)
        run_id = self._start(request, digest)
        prefix = run_prefix(run_id)
        scope = self._scope(run_id)
        self._store.delete(f"{prefix}/{MANIFEST_NAME}")  # incomplete until the end
        self._store.put(f"{prefix}/{CONFIG_FILE}", _json(plan.config))
        runners = step_runners(plan, scope)
        statuses: list[StepStatus] = []
        records: dict[str, StepRecord] = {}
        upstream: dict[str, str] = {}
        for step in plan.enabled():
            runner = runners[step]
            section = without_keys(plan.config.get(step, {}), _REPORTING)
            inputs = config_hash(section, {k: upstream.get(k, "") for k in runner.reads})
            record = self._done(prefix, step, inputs, scope.store)
            if step not in selected:
                if record is None and any(s in selected for s in _after(step, plan.enabled())):
                    raise InputError(
                        f"step {step!r} has not finished in run {run_id} with the current inputs; "
                        f"run it first (without --steps/--from-step)"
                    )
                statuses.append(StepStatus(step=step, status="not selected", seconds=0.0))
            elif record is not None:
                log.info("step %s: done before with the same inputs, reused", step)
                statuses.append(StepStatus(step=step, status="reused", seconds=record.seconds))
            else:
                record = self._run(prefix, step, inputs, runner, scope.store)
                statuses.append(StepStatus(step=step, status="ran", seconds=record.seconds))
            if record is not None:
                records[step] = record
                upstream[step] = record.output_manifest_sha256
        return self._publish(run_id, plan, digest, statuses, records, scope)

    def _start(self, request: PipelineRequest, digest: str) -> str:
        if request.resume is not None:
            run_id = check_run_id(request.resume)
            PipelineRuns(self._store).stored_config(run_id)  # it must exist
            log.info("resuming pipeline run %s", run_id)
            return run_id
        run_id = new_run_id(self._clock(), hashlib.sha256(digest.encode()).hexdigest())
        if any(True for _ in self._store.list(run_prefix(run_id) + "/")):
            raise InputError(f"pipeline run {run_id} already exists: resume it with --resume {run_id}")
        log.info("pipeline run %s", run_id)
        return run_id

    def _done(self, prefix: str, step: str, inputs: str, store: ArtifactStore) -> StepRecord | None:
        """The step's record when it matches `inputs` and its output still verifies, else None."""
        try:
            record = StepRecord.from_dict(json.loads(self._store.get(f"{prefix}/steps/{step}.json")))
        except ArtifactNotFoundError:
            return None
        if record.input_hash != inputs:
            log.info("step %s: its inputs changed since it ran, running it again", step)
            return None
        report = verify_manifest(store, record.output)
        if not report.ok or _manifest_sha(store, record.output) != record.output_manifest_sha256:
            log.warning("step %s: its output %s no longer verifies, running it again", step, record.output)
            return None
        return record

    def _run(
        self, prefix: str, step: str, inputs: str, runner: StepRunner, store: ArtifactStore
    ) -> StepRecord:
        self._store.delete(f"{prefix}/steps/{step}.json")
        log.info("step %s: running", step)
        started = time.perf_counter()
        summary = runner.run()
        record = StepRecord(
            step=step,
            input_hash=inputs,
            output=runner.output,
            output_manifest_sha256=_manifest_sha(store, runner.output),
            seconds=round(time.perf_counter() - started, 3),
            finished_at=self._clock().isoformat(timespec="seconds"),
            summary=summary,
        )
        self._store.put(f"{prefix}/steps/{step}.json", _json(record.to_dict()))
        log.info("step %s: done in %.1f s", step, record.seconds)
        return record

    def _publish(
        self,
        run_id: str,
        plan: PipelinePlan,
        digest: str,
        statuses: list[StepStatus],
        records: Mapping[str, StepRecord],
        scope: PipelineScope,
    ) -> PipelineResult:
        summary = summarize(run_id, statuses, records)
        plots = sorted(key for key in scope.store.list("") if key.endswith(".png"))
        report = render_report(summary, plots)
        record = {
            "run_id": run_id,
            "config_hash": digest,
            "config": plan.config,
            "code_version": self._versions.get("codemill", ""),
            "versions": self._versions,
            "sources": summary.get("corpus", {}).get("sources", []),
            "steps": {step: r.to_dict() for step, r in records.items()},
            "summary": summary,
        }
        prefix = run_prefix(run_id)
        writer = ArtifactWriter(self._store, prefix, kind=PIPELINE_KIND)
        writer.write(CONFIG_FILE, _json(plan.config))
        for step, step_record in records.items():
            writer.write(f"steps/{step}.json", _json(step_record.to_dict()))
        writer.write(RECORD_FILE, _json(record))
        writer.write(REPORT_FILE, report)
        manifest = writer.publish(
            config_hash=digest,
            code_version=self._versions.get("codemill", ""),
            tool_versions=self._versions,
            metadata={"run_id": run_id, "steps": [s.step for s in statuses if s.status != "not selected"]},
        )
        return PipelineResult(
            run_id=run_id,
            prefix=prefix,
            steps=tuple(statuses),
            summary=summary,
            report=report,
            manifest=manifest,
        )


def _after(step: str, enabled: Sequence[str]) -> Sequence[str]:
    return enabled[enabled.index(step) + 1 :]


def _manifest_sha(store: ArtifactStore, prefix: str) -> str:
    try:
        return hashlib.sha256(store.get(f"{prefix}/{MANIFEST_NAME}")).hexdigest()
    except ArtifactNotFoundError:
        return ""


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")
