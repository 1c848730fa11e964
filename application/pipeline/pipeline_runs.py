"""The read side of pipeline runs: which runs exist, the config each started with, a finished run's record."""

from __future__ import annotations

import json
from typing import Any

from codemill.application.publishing.artifacts import read_manifest
from codemill.domain.errors import ArtifactNotFoundError, InputError
from codemill.domain.manifest import MANIFEST_NAME
from codemill.domain.pipeline import RUN_ID_PATTERN, check_run_id
from codemill.domain.ports.artifact_store import ArtifactStore

PIPELINES = "pipelines"
PIPELINE_KIND = "pipeline"
CONFIG_FILE, RECORD_FILE, REPORT_FILE = "config.json", "run.json", "report.md"


def run_prefix(run_id: str) -> str:
    """Where a run's steps, records and report live in storage."""
    return f"{PIPELINES}/{run_id}"


class PipelineRuns:
    """Queries over the runs that RunPipeline left in storage; it writes nothing."""

    def __init__(self, store: ArtifactStore) -> None:
        self._store = store

    def stored_config(self, run_id: str) -> dict[str, Any]:
        """The effective config a run was started with."""
        try:
            data = json.loads(self._store.get(f"{run_prefix(check_run_id(run_id))}/{CONFIG_FILE}"))
        except ArtifactNotFoundError:
            raise ArtifactNotFoundError(f"pipeline run {run_id!r} does not exist") from None
        if not isinstance(data, dict):
            raise InputError(f"pipeline run {run_id!r}: {CONFIG_FILE} is not a JSON object")
        return data

    def runs(self) -> list[tuple[str, bool]]:
        """Every pipeline run by id, with whether it finished (its manifest exists), oldest first."""
        started, finished = set(), set()
        for key in self._store.list(f"{PIPELINES}/"):
            run_id, _, rest = key[len(PIPELINES) + 1 :].partition("/")
            if RUN_ID_PATTERN.match(run_id):
                if rest == CONFIG_FILE:
                    started.add(run_id)
                elif rest == MANIFEST_NAME:
                    finished.add(run_id)
        return [(run_id, run_id in finished) for run_id in sorted(started | finished)]

    def record(self, run_id: str) -> dict[str, Any]:
        """A finished run's record (run.json), after its manifest is read."""
        return read_run(self._store, run_id)


def read_run(store: ArtifactStore, run_id: str) -> dict[str, Any]:
    """A finished run's record (run.json), after its manifest verifies."""
    prefix = run_prefix(check_run_id(run_id))
    try:
        manifest = read_manifest(store, prefix)
    except ArtifactNotFoundError:
        raise ArtifactNotFoundError(
            f"pipeline run {run_id} has not finished: continue it with codemill pipeline --resume {run_id}"
        ) from None
    if manifest.kind != PIPELINE_KIND:
        raise InputError(f"{prefix} holds a {manifest.kind!r}, not a pipeline run")
    data = json.loads(store.get(f"{prefix}/{RECORD_FILE}"))
    if not isinstance(data, dict):
        raise InputError(f"{prefix}/{RECORD_FILE} is not a JSON object")
    return data
