"""`codemill registry` end to end: a tiny model trained by the CLI, registered, promoted, rolled back,
validated and distilled through registry references."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import TINY_BUDGET, RunCli, train_kinds_classifier

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/e2e/conftest.py


@pytest.fixture
def trained(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Model r1: a tiny classifier of code kinds (json of the standard library), trained in seconds."""
    monkeypatch.setenv("CODEMILL_WORK_DIR", str(tmp_path / "work"))
    monkeypatch.setenv("CODEMILL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CODEMILL_USER", "ada")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return train_kinds_classifier(run_cli, tmp_path / "src", "r1")


def _json(run_cli: RunCli, *args: str) -> dict:
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _fails(run_cli: RunCli, *args: str) -> str:
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    return result.stderr


def test_register_promote_rollback_and_validate_through_the_registry(
    run_cli: RunCli, trained: str, data_root: Path
) -> None:
    first = _json(
        run_cli, "registry", "register", "r1", "--name", "kinds", "--alias", "staging", "--reason", "v1"
    )
    assert first["reference"] == "registry:kinds/1" and first["alias"]["to"] == 1
    lineage = first["record"]
    assert lineage["run"]["name"] == "r1" and lineage["dataset"]["name"] == "kinds"
    assert lineage["corpus"]["name"] == "lib" and len(lineage["corpus"]["manifest_sha256"]) == 64
    assert lineage["registered_by"] == "ada" and lineage["registered_at"].endswith("Z")
    assert lineage["validation"] is None  # r1 was never validated
    assert run_cli("storage", "verify", "registry/kinds/versions/1").exit_code == 0
    assert _json(run_cli, "registry", "register", "models/r1", "--name", "kinds")["version"] == 2

    assert _json(run_cli, "registry", "promote", "kinds", "--reason", "first release")["to"] == 1
    assert _json(run_cli, "registry", "alias", "kinds", "staging", "2")["from"] == 1
    refused = _fails(run_cli, "registry", "promote", "kinds", "--require-validation")
    assert "version 2 of 'kinds' has no validation report" in refused

    validated = _json(run_cli, "validate", "registry:kinds@staging", "--quick")
    assert (
        validated["passed"] and validated["source"] == "registry" and validated["model"] == "registry:kinds/2"
    )
    assert (data_root / "registry" / "kinds" / "validations" / "2" / "validation.json").is_file()
    assert _json(run_cli, "registry", "promote", "kinds", "--require-validation")["to"] == 2

    back = _json(run_cli, "registry", "rollback", "kinds", "production", "--reason", "latency")
    assert (back["from"], back["to"], back["action"]) == (2, 1, "rollback")
    assert "no previous version" in _fails(run_cli, "registry", "rollback", "kinds", "production")

    history = _json(run_cli, "registry", "history", "kinds", "production")
    assert [(m["from"], m["to"], m["action"]) for m in history] == [
        (None, 1, "promote"), (1, 2, "promote"), (2, 1, "rollback"),
    ]  # fmt: skip
    assert [m["reason"] for m in history] == ["first release", "", "latency"]
    assert {m["user"] for m in history} == {"ada"}

    production = run_cli("validate", "registry:kinds@production", "--dataset", "kinds")
    assert production.exit_code == 0, production.output
    assert "model registry:kinds/1: passed" in production.stdout
    assert not (data_root / "registry" / "kinds" / "versions" / "1" / "calibration.json").exists()

    listed = _json(run_cli, "registry", "ls")
    assert listed == [
        {"name": "kinds", "latest": 2, "versions": 2, "aliases": {"production": 1, "staging": 2}}
    ]
    shown = _json(run_cli, "registry", "show", "kinds")
    assert [v["validation"]["passed"] for v in shown["versions"]] == [True, True]
    table = run_cli("registry", "show", "kinds")
    assert table.exit_code == 0 and "production=1" in table.stdout and "r1 (" in table.stdout


def test_a_registry_teacher_is_distilled_and_unknown_references_are_one_line(
    run_cli: RunCli, trained: str
) -> None:
    _json(run_cli, "registry", "register", "r1", "--name", "kinds", "--alias", "production")
    student = _json(
        run_cli,
        "distill",
        "--teacher",
        "registry:kinds@production",
        "--dataset",
        "kinds",
        "--name",
        "s1",
        *TINY_BUDGET,
    )
    assert student["status"] == "completed"
    record = _json(run_cli, "runs", "show", "s1")
    assert record["teacher"] == "registry:kinds/1" and record["teacher_origin"] == "registry"

    assert "no alias 'canary'" in _fails(run_cli, "validate", "registry:kinds@canary")
    assert "expected registry:NAME@ALIAS or registry:NAME/VERSION" in _fails(
        run_cli, "validate", "registry:kinds"
    )
    assert "invalid alias 'Prod'" in _fails(run_cli, "registry", "alias", "kinds", "Prod", "1")
    assert "no version 9" in _fails(run_cli, "registry", "alias", "kinds", "staging", "9")
    assert "no model 'ghost'" in _fails(run_cli, "registry", "show", "ghost")
