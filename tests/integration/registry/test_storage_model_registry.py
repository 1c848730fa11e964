"""The registry on real stores (a local folder and SeaweedFS): versions, lineage, resolving references."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codemill.application.publishing.artifacts import ArtifactWriter, verify_manifest
from codemill.application.registry.register_model import RegisterRequest
from codemill.application.training.publication import manifest_sha256
from codemill.domain.errors import ArtifactNotFoundError, InputError, IntegrityError
from codemill.domain.registry import ModelSource
from tests.integration.registry.conftest import Registry

TASK = {"task": "classification", "subtask": "", "label_field": "kind"}


def test_versions_are_complete_copies_behind_their_manifest(registry: Registry, model_folder: Path) -> None:
    first = registry.register.execute(RegisterRequest(model=str(model_folder), name="kinds"))
    second = registry.register.execute(
        RegisterRequest(model=str(model_folder), name="kinds", alias="staging")
    )
    assert (first.version, second.version) == (1, 2)
    assert registry.registry.versions("kinds") == [1, 2] and registry.registry.names() == ["kinds"]
    report = verify_manifest(registry.store, "registry/kinds/versions/2")
    assert report.ok and report.checked == 5  # four model files and version.json
    record = json.loads(registry.store.get("registry/kinds/versions/2/version.json"))
    assert record["version"] == 2 and record["folder"]["path"] == str(model_folder)
    assert record["metrics"] == {"accuracy": 0.5} and record["registered_by"] == "ada"
    with pytest.raises(IntegrityError, match="immutable"):
        registry.registry.publish_version(
            "kinds", 1, ModelSource(kind="local", location=str(model_folder)), {}
        )
    assert registry.registry.history("kinds", "staging")[0].to_version == 2


def test_a_version_never_completed_is_invisible_and_its_number_is_not_reused(
    registry: Registry, model_folder: Path
) -> None:
    registry.register.execute(RegisterRequest(model=str(model_folder), name="kinds"))
    assert registry.registry.claim("kinds", 2, {"user": "crashed"})
    registry.store.put("registry/kinds/versions/2/model.safetensors", b"half")  # no manifest: incomplete
    assert registry.registry.versions("kinds") == [1]
    with pytest.raises(ArtifactNotFoundError, match=r"'kinds' has no version 2 \(versions: 1\)"):
        registry.resolver.resolve("registry:kinds/2")
    assert registry.register.execute(RegisterRequest(model=str(model_folder), name="kinds")).version == 3


def test_pickles_and_folders_without_config_are_refused(registry: Registry, model_folder: Path) -> None:
    (model_folder / "config.json").unlink()
    with pytest.raises(InputError, match=r"has no config\.json"):
        registry.register.execute(RegisterRequest(model=str(model_folder), name="kinds"))
    (model_folder / "pytorch_model.bin").write_bytes(b"pickle")
    with pytest.raises(IntegrityError, match="pickle-based"):
        registry.register.execute(RegisterRequest(model=str(model_folder), name="kinds"))
    assert registry.registry.versions("kinds") == []


def _trained(registry: Registry, model_folder: Path) -> None:
    """Publish what a training run leaves: corpus-built dataset, run record, model, validation report."""
    dataset = ArtifactWriter(registry.store, "datasets/kinds", kind="dataset")
    dataset.write("stats.json", json.dumps({"source": {"corpus": "lib", "manifest_sha256": "c" * 64}}))
    dataset_manifest = dataset.publish()
    model = registry.runs.export_model("r1", str(model_folder), {"README.md": b"# r1"})
    registry.runs.publish_run(
        "r1",
        {},
        {
            "dataset": "kinds",
            "dataset_manifest_sha256": manifest_sha256(dataset_manifest),
            "model": "models/r1",
            "status": "completed",
            "config_hash": "h",
            "task": TASK,
            "metrics": {"accuracy": 0.75},
            "versions": {"torch": "2.13.0"},
        },
    )
    report = ArtifactWriter(registry.store, "validations/r1", kind="validation")
    report.write("validation.json", "{}")
    report.publish(
        metadata={"passed": True, "dataset": "kinds", "model_manifest_sha256": manifest_sha256(model)}
    )


def test_a_trained_model_carries_its_lineage_into_version_json(
    registry: Registry, model_folder: Path
) -> None:
    _trained(registry, model_folder)
    result = registry.register.execute(RegisterRequest(model="r1", name="kinds", reason="first"))
    record = registry.registry.version("kinds", 1).record
    model_sha = manifest_sha256(registry.runs.model_manifest("r1"))
    assert record["source"] == {"kind": "storage", "location": "models/r1"}
    assert record["model"] == {"name": "r1", "manifest_sha256": model_sha}
    assert record["run"]["name"] == "r1" and len(record["run"]["manifest_sha256"]) == 64
    assert record["dataset"]["name"] == "kinds" and record["corpus"] == {
        "name": "lib",
        "manifest_sha256": "c" * 64,
    }
    assert record["task"] == TASK and record["metrics"] == {"accuracy": 0.75}
    assert record["trained_with"] == {"torch": "2.13.0"} and record["reason"] == "first"
    assert record["validation"]["passed"] is True and record["validation"]["report"] == "validations/r1"
    assert result.manifest_sha256 == registry.registry.version("kinds", 1).manifest_sha256
    assert verify_manifest(registry.store, "registry/kinds/versions/1").ok


def test_a_report_on_another_state_of_the_model_is_not_its_verdict(
    registry: Registry, model_folder: Path
) -> None:
    _trained(registry, model_folder)
    registry.runs.export_model("r1", str(model_folder), {"README.md": b"# r1, retrained"})
    registry.register.execute(RegisterRequest(model="r1", name="kinds"))
    assert registry.registry.version("kinds", 1).record["validation"] is None


def test_references_resolve_to_verified_local_copies(registry: Registry, model_folder: Path) -> None:
    _trained(registry, model_folder)
    registry.register.execute(RegisterRequest(model="r1", name="kinds"))
    registry.register.execute(RegisterRequest(model=str(model_folder), name="kinds", alias="production"))
    by_alias = registry.resolver.resolve("registry:kinds@production")
    assert (by_alias.version, by_alias.alias, by_alias.origin) == (2, "production", "registry")
    assert (Path(by_alias.folder) / "model.safetensors").read_bytes() == (
        model_folder / "model.safetensors"
    ).read_bytes()
    assert by_alias.fingerprint == registry.registry.version("kinds", 2).manifest_sha256
    pinned = registry.resolver.resolve("registry:kinds/1")
    assert pinned.lineage["run"]["name"] == "r1" and pinned.folder != by_alias.folder
    stored = registry.resolver.resolve("r1")
    assert stored.origin == "storage" and stored.fingerprint == manifest_sha256(
        registry.runs.model_manifest("r1")
    )
    local = registry.resolver.resolve(str(model_folder))
    assert local.origin == "local" and local.folder == str(model_folder)
    assert registry.resolver.current_version("kinds", "production") == 2
    assert registry.resolver.current_version("kinds", "staging") is None


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("registry:kinds@canary", r"'kinds' has no alias 'canary' \(aliases: production\)"),
        ("registry:ghost@production", r"no model 'ghost' \(registered: kinds\)"),
        ("registry:kinds/7", r"no version 7 \(versions: 1\)"),
        ("registry:kinds", "expected registry:NAME@ALIAS or registry:NAME/VERSION"),
        ("ghost", r"neither a local folder nor a model published in storage \(none yet\)"),
    ],
)
def test_unknown_references_say_what_exists(
    registry: Registry, model_folder: Path, reference: str, message: str
) -> None:
    registry.register.execute(RegisterRequest(model=str(model_folder), name="kinds", alias="production"))
    with pytest.raises((InputError, ArtifactNotFoundError), match=message):
        registry.resolver.resolve(reference)
