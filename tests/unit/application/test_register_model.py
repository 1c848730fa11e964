"""RegisterModel with fakes: version numbers, claims never reused, the record, sources, --alias."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemill.application.registry.alias_mover import AliasMover
from codemill.application.registry.register_model import RegisterModel, RegisterRequest
from codemill.domain.errors import ArtifactNotFoundError, InputError, IntegrityError
from tests.fakes.registry_fakes import FixedLineage, MemoryModelRegistry
from tests.fakes.training_fakes import MemoryRuns

LINEAGE = {
    "model": {"name": "r1", "manifest_sha256": "m" * 64},
    "run": {"name": "r1", "manifest_sha256": "r" * 64, "status": "completed", "config_hash": "c"},
    "dataset": {"name": "kinds", "manifest_sha256": "d" * 64},
    "corpus": {"name": "lib", "manifest_sha256": "l" * 64},
    "task": {"task": "classification", "subtask": "", "label_field": "kind"},
    "metrics": {"accuracy": 0.9},
    "trained_with": {"torch": "2.13.0"},
    "validation": {"passed": True, "report": "validations/r1", "created_at": "t", "dataset": "kinds"},
}


def _register(registry: MemoryModelRegistry, runs: MemoryRuns | None = None) -> RegisterModel:
    runs = runs or MemoryRuns()
    runs.exported.setdefault("r1", ("/fetched/r1", {}))
    return RegisterModel(
        registry=registry,
        lineage=FixedLineage({"r1": LINEAGE}),
        runs=runs,
        mover=AliasMover(registry, user="ada", clock=lambda: "2026-05-01T10:00:00Z"),
        user="ada",
        versions={"codemill": "0.1.0", "torch": "2.13.0"},
        clock=lambda: "2026-05-01T10:00:00Z",
    )


def test_versions_are_numbered_one_two_three_with_the_lineage_recorded() -> None:
    registry = MemoryModelRegistry()
    register = _register(registry)
    first = register.execute(RegisterRequest(model="r1", name="kinds", reason="first cut"))
    second = register.execute(RegisterRequest(model="models/r1", name="kinds"))
    assert (first.version, second.version) == (1, 2)
    assert first.reference == "registry:kinds/1" and first.source == "models/r1"
    record = registry.version("kinds", 1).record
    assert record["version"] == 1 and record["name"] == "kinds"
    assert record["source"] == {"kind": "storage", "location": "models/r1"}
    assert record["run"] == LINEAGE["run"] and record["dataset"] == LINEAGE["dataset"]
    assert record["corpus"] == LINEAGE["corpus"] and record["validation"]["passed"] is True
    assert record["metrics"] == {"accuracy": 0.9} and record["trained_with"] == {"torch": "2.13.0"}
    assert record["code_version"] == "0.1.0" and record["library_versions"]["torch"] == "2.13.0"
    assert record["registered_by"] == "ada" and record["registered_at"] == "2026-05-01T10:00:00Z"
    assert record["reason"] == "first cut" and record["teacher"] is None
    assert registry.claims["kinds"][1]["user"] == "ada"


def test_a_number_taken_meanwhile_is_skipped_and_never_reused() -> None:
    registry = MemoryModelRegistry()
    register = _register(registry)
    register.execute(RegisterRequest(model="r1", name="kinds"))
    registry.claims["kinds"][2] = {"user": "someone else"}  # claimed, never completed
    assert register.execute(RegisterRequest(model="r1", name="kinds")).version == 3
    assert registry.versions("kinds") == [1, 3]
    registry.fail_publish = IntegrityError("model 'r1': 'model.safetensors' does not match its manifest")
    with pytest.raises(IntegrityError):
        register.execute(RegisterRequest(model="r1", name="kinds"))
    assert registry.versions("kinds") == [1, 3] and registry.claimed_versions("kinds") == [1, 2, 3, 4]
    assert register.execute(RegisterRequest(model="r1", name="kinds")).version == 5


def test_published_versions_are_immutable() -> None:
    registry = MemoryModelRegistry()
    _register(registry).execute(RegisterRequest(model="r1", name="kinds"))
    with pytest.raises(IntegrityError, match="immutable"):
        registry.publish_version("kinds", 1, registry.sources[0], {})


def test_a_local_folder_is_registered_and_stored_names_win(tmp_path: Path) -> None:
    registry = MemoryModelRegistry()
    folder = tmp_path / "exported"
    folder.mkdir()
    register = _register(registry)
    result = register.execute(RegisterRequest(model=str(folder), name="kinds"))
    assert result.source == str(folder) and registry.sources[-1].kind == "local"
    assert result.record["folder"]["path"] == str(folder) and result.record["run"] is None
    (tmp_path / "r1").mkdir()
    register.execute(RegisterRequest(model="r1", name="kinds"))  # the stored r1, not ./r1
    assert registry.sources[-1].kind == "storage"


def test_unknown_sources_and_bad_names_are_one_line_errors_before_any_claim() -> None:
    registry = MemoryModelRegistry()
    register = _register(registry)
    with pytest.raises(InputError, match=r"'ghost' is neither a model published in storage \(models: r1\)"):
        register.execute(RegisterRequest(model="ghost", name="kinds"))
    with pytest.raises(ArtifactNotFoundError, match="'models/ghost' is not published"):
        register.execute(RegisterRequest(model="models/ghost", name="kinds"))
    with pytest.raises(InputError, match="invalid alias"):
        register.execute(RegisterRequest(model="r1", name="kinds", alias="Prod"))
    with pytest.raises(InputError, match="invalid registry model name"):
        register.execute(RegisterRequest(model="r1", name="no/slash"))
    assert registry.claims == {}


def test_an_alias_given_at_registration_moves_to_the_new_version() -> None:
    registry = MemoryModelRegistry()
    register = _register(registry)
    register.execute(RegisterRequest(model="r1", name="kinds", alias="staging"))
    result = register.execute(RegisterRequest(model="r1", name="kinds", alias="staging", reason="retrained"))
    assert result.alias is not None
    assert [(m.from_version, m.to_version, m.action) for m in registry.history("kinds", "staging")] == [
        (None, 1, "register"),
        (1, 2, "register"),
    ]
    assert registry.history("kinds", "staging")[1].reason == "retrained"


def test_a_scoped_registration_names_where_its_model_lives() -> None:
    registry = MemoryModelRegistry()
    runs = MemoryRuns()
    runs.exported.setdefault("student", ("/fetched/student", {}))
    register = RegisterModel(
        registry=registry,
        lineage=FixedLineage({"student": LINEAGE}),
        runs=runs,
        mover=AliasMover(registry, user="ada"),
        user="ada",
        versions={},
        scope="pipelines/20261205T001030Z-c716d9f3",
    )
    result = register.execute(RegisterRequest(model="student", name="complexity"))
    assert result.source == "pipelines/20261205T001030Z-c716d9f3/models/student"
    record = registry.version("complexity", 1).record
    assert record["scope"] == "pipelines/20261205T001030Z-c716d9f3"
    assert record["source"] == {"kind": "storage", "location": result.source}
