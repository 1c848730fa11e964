from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from codemill.application.pipeline.pipeline_runs import read_run
from codemill.application.pipeline.report import summary_lines
from codemill.application.pipeline.run_pipeline import PipelineRequest, RunPipeline
from codemill.application.publishing.artifacts import read_manifest, verify_manifest
from codemill.domain.errors import InputError, StepStoppedError
from tests.fakes.memory_store import InMemoryArtifactStore
from tests.fakes.pipeline_fakes import Calls, fake_scope, plan

NOW = datetime(2026, 11, 22, 5, 15, 0, tzinfo=UTC)


def pipeline(store: InMemoryArtifactStore, calls: Calls) -> RunPipeline:
    return RunPipeline(
        store=store, scope=fake_scope(store, calls), versions={"codemill": "0.1"}, clock=lambda: NOW
    )


def test_a_run_runs_every_step_and_publishes_lineage_and_report_last() -> None:
    store, calls = InMemoryArtifactStore(), Calls()
    result = pipeline(store, calls).execute(PipelineRequest(plan=plan()))

    assert calls.steps == ["collect", "dataset", "train", "distill", "validate"]
    assert result.run_id.startswith("20261122T051500Z-")
    assert [s.status for s in result.steps] == ["ran"] * 5
    assert calls.train_requests[0].resume == "auto"  # a rerun continues from the last checkpoint
    assert verify_manifest(store, result.prefix).ok
    assert read_manifest(store, result.prefix).kind == "pipeline"
    record = read_run(store, result.run_id)
    assert record["sources"] == [{"source": "git@x", "commit": "abc123"}]
    assert record["code_version"] == "0.1"
    assert set(record["steps"]) == {"collect", "dataset", "train", "distill", "validate"}
    assert all(len(step["output_manifest_sha256"]) == 64 for step in record["steps"].values())
    summary = result.summary
    assert summary["dataset"]["baseline"]["name"] == "the function name split into words"
    assert summary["beats_baseline"]["bleu4"] is True
    assert "teacher vs baseline: beats it on every metric shown (bleu4)" in result.report
    assert any("beats it on every metric shown (bleu4)" in line for line in summary_lines(summary))
    assert summary["student"]["retention"] == 0.975
    targets = {t["name"]: t["met"] for t in summary["student"]["targets"]}
    assert targets == {"parameters": True, "retention": True, "speed": True}  # 0.2, 97.5%, 3.5x
    assert "student: keeps 97.5% of the teacher's primary metric (target at least 95%): met" in result.report
    assert summary["validation"]["passed"] is True
    assert "| teacher: teacher |" in result.report
    assert "![validations/student/reliability.png](validations/student/reliability.png)" in result.report


def test_resume_reuses_every_finished_step_with_unchanged_inputs() -> None:
    store, calls = InMemoryArtifactStore(), Calls()
    first = pipeline(store, calls).execute(PipelineRequest(plan=plan()))
    calls.steps.clear()
    again = pipeline(store, calls).execute(PipelineRequest(plan=plan(), resume=first.run_id))
    assert calls.steps == []
    assert [s.status for s in again.steps] == ["reused"] * 5
    assert verify_manifest(store, again.prefix).ok


def test_a_changed_step_config_reruns_it_and_everything_that_reads_it() -> None:
    store, calls = InMemoryArtifactStore(), Calls()
    first = pipeline(store, calls).execute(PipelineRequest(plan=plan()))
    calls.steps.clear()
    changed = plan({"collect": {"sources": ["x"]}, "dataset": {}, "train": {"epochs": 3}})
    pipeline(store, calls).execute(PipelineRequest(plan=changed, resume=first.run_id))
    assert calls.steps == ["train", "distill", "validate"]


def test_a_changed_report_to_reruns_no_step() -> None:
    store, calls = InMemoryArtifactStore(), Calls()
    first = pipeline(store, calls).execute(PipelineRequest(plan=plan()))
    calls.steps.clear()
    reported = plan(
        {"collect": {"sources": ["x"]}, "dataset": {}, "train": {"epochs": 1, "report_to": "mlflow"}}
    )
    again = pipeline(store, calls).execute(PipelineRequest(plan=reported, resume=first.run_id))
    assert calls.steps == []
    assert [s.status for s in again.steps] == ["reused"] * 5


def test_an_output_that_no_longer_verifies_is_rebuilt() -> None:
    store, calls = InMemoryArtifactStore(), Calls()
    first = pipeline(store, calls).execute(PipelineRequest(plan=plan()))
    store.put(f"{first.prefix}/datasets/task/data.txt", b"tampered")
    calls.steps.clear()
    pipeline(store, calls).execute(PipelineRequest(plan=plan(), resume=first.run_id))
    assert calls.steps[0] == "dataset" and "collect" not in calls.steps


def test_an_interrupted_training_stops_the_run_unpublished_and_resume_finishes_it() -> None:
    store, calls = InMemoryArtifactStore(), Calls(stop_train_with="interrupted")
    with pytest.raises(StepStoppedError, match="--resume"):
        pipeline(store, calls).execute(PipelineRequest(plan=plan()))
    (run_id,) = {key.split("/")[1] for key in store.list("pipelines/")}
    assert not store.exists(f"pipelines/{run_id}/manifest.json")
    assert json.loads(store.get(f"pipelines/{run_id}/steps/dataset.json"))["step"] == "dataset"

    calls.stop_train_with, calls.steps = None, []
    result = pipeline(store, calls).execute(PipelineRequest(plan=plan(), resume=run_id))
    assert calls.steps == ["train", "distill", "validate"]
    assert verify_manifest(store, result.prefix).ok


def test_a_resumed_run_is_unpublished_until_it_ends() -> None:
    store, calls = InMemoryArtifactStore(), Calls()
    first = pipeline(store, calls).execute(PipelineRequest(plan=plan()))
    calls.stop_train_with = "diverged"
    changed = plan({"collect": {"sources": ["x"]}, "dataset": {}, "train": {"epochs": 3}})
    with pytest.raises(StepStoppedError, match="diverged"):
        pipeline(store, calls).execute(PipelineRequest(plan=changed, resume=first.run_id))
    assert not store.exists(f"{first.prefix}/manifest.json")


def test_steps_and_from_step_select_a_part_and_need_earlier_steps_done() -> None:
    store, calls = InMemoryArtifactStore(), Calls()
    result = pipeline(store, calls).execute(PipelineRequest(plan=plan(), steps=["collect", "dataset"]))
    assert calls.steps == ["collect", "dataset"]
    assert [s.status for s in result.steps] == ["ran", "ran", "not selected", "not selected", "not selected"]

    calls.steps.clear()
    pipeline(store, calls).execute(PipelineRequest(plan=plan(), resume=result.run_id, from_step="train"))
    assert calls.steps == ["train", "distill", "validate"]

    with pytest.raises(InputError, match="'collect' has not finished"):
        pipeline(InMemoryArtifactStore(), Calls()).execute(PipelineRequest(plan=plan(), from_step="train"))


def test_switched_off_steps_are_left_out_and_validation_reads_the_teacher() -> None:
    store, calls = InMemoryArtifactStore(), Calls()
    result = pipeline(store, calls).execute(PipelineRequest(plan=plan(distill=False)))
    assert calls.steps == ["collect", "dataset", "train", "validate"]
    assert result.summary["validation"]["model"] == "teacher"


def test_unknown_runs_and_a_clash_of_run_ids_are_refused() -> None:
    store, calls = InMemoryArtifactStore(), Calls()
    with pytest.raises(InputError, match="not a pipeline run id"):
        pipeline(store, calls).execute(PipelineRequest(plan=plan(), resume="../etc"))
    with pytest.raises(Exception, match="does not exist"):
        pipeline(store, calls).execute(PipelineRequest(plan=plan(), resume="20261122T051500Z-00000000"))
    pipeline(store, calls).execute(PipelineRequest(plan=plan()))
    with pytest.raises(InputError, match="already exists"):
        pipeline(store, calls).execute(PipelineRequest(plan=plan()))
