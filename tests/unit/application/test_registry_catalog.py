"""RegistryCatalog with fakes: ls, show (lineage, metrics, validation), history of one or every alias."""

from __future__ import annotations

import pytest

from codemill.application.registry.registry_catalog import RegistryCatalog
from codemill.domain.errors import ArtifactNotFoundError
from codemill.domain.registry import ValidationVerdict
from tests.fakes.registry_fakes import MemoryModelRegistry

RECORD = {
    "registered_at": "2026-05-01T10:00:00Z",
    "registered_by": "ada",
    "source": {"kind": "storage", "location": "models/r1"},
    "run": {"name": "r1", "manifest_sha256": "r" * 64},
    "dataset": {"name": "kinds", "manifest_sha256": "d" * 64},
    "corpus": None,
    "metrics": {"accuracy": 0.91},
    "validation": {"passed": True, "report": "validations/r1", "created_at": "t", "dataset": "kinds"},
}


def _catalog() -> tuple[RegistryCatalog, MemoryModelRegistry]:
    registry = MemoryModelRegistry()
    registry.add_version("kinds", "/v1", RECORD)
    registry.add_version("kinds", "/v2", {**RECORD, "validation": None})
    registry.add_version("names", "/n1", {})
    registry.point("kinds", "staging", 1)
    registry.point("kinds", "staging", 2)
    registry.point("kinds", "production", 1)
    return RegistryCatalog(registry), registry


def test_ls_lists_each_model_with_its_latest_version_and_aliases() -> None:
    catalog, _ = _catalog()
    summaries = {summary.name: summary for summary in catalog.models()}
    assert summaries["kinds"].latest == 2 and summaries["kinds"].versions == 2
    assert summaries["kinds"].aliases == {"production": 1, "staging": 2}
    assert summaries["names"].aliases == {}


def test_show_gives_each_version_its_lineage_metrics_and_latest_verdict() -> None:
    catalog, registry = _catalog()
    registry.verdicts[("kinds", 2)] = ValidationVerdict(
        passed=False, report="registry/kinds/validations/2", created_at="t2"
    )
    details = catalog.show("kinds")
    first, second = details.versions
    assert first.source == "models/r1" and first.registered_by == "ada"
    assert first.lineage["run"]["name"] == "r1" and first.metrics == {"accuracy": 0.91}
    assert first.validation is not None and first.validation["passed"] is True
    assert second.validation is not None and second.validation["report"] == "registry/kinds/validations/2"
    assert details.aliases == {"production": 1, "staging": 2}


def test_history_of_one_alias_is_in_order_and_of_all_is_merged_by_time() -> None:
    catalog, _ = _catalog()
    assert [(m.seq, m.to_version) for m in catalog.history("kinds", "staging")] == [(1, 1), (2, 2)]
    merged = catalog.history("kinds")
    assert [(m.alias, m.seq) for m in merged] == [("production", 1), ("staging", 1), ("staging", 2)]


def test_unknown_models_and_aliases_name_what_exists() -> None:
    catalog, _ = _catalog()
    with pytest.raises(ArtifactNotFoundError, match=r"no model 'ghost' \(registered: kinds, names\)"):
        catalog.show("ghost")
    with pytest.raises(
        ArtifactNotFoundError,
        match=r"alias 'canary' of 'kinds' does not exist \(aliases: production, staging\)",
    ):
        catalog.history("kinds", "canary")
