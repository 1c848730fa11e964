import pytest

from codemill.domain.errors import IntegrityError
from codemill.domain.manifest import Manifest, ManifestEntry


def test_manifest_round_trips_through_json() -> None:
    manifest = Manifest(
        kind="corpus",
        entries=(ManifestEntry("b.bin", "00" * 32, 3), ManifestEntry("a.txt", "11" * 32, 5)),
        created_at="2026-01-01T00:00:00+00:00",
        config_hash="abc",
        code_version="0.1.0",
        tool_versions={"torch": "2.13.0"},
        metadata={"units": 10},
    )
    again = Manifest.from_json(manifest.to_json())
    assert {e.path for e in again.entries} == {"a.txt", "b.bin"}
    assert again.entry("a.txt") == ManifestEntry("a.txt", "11" * 32, 5)
    assert again.total_size == 8
    assert again.metadata == {"units": 10}
    assert again.tool_versions == {"torch": "2.13.0"}


@pytest.mark.parametrize("text", ["", "{}", '{"artifacts": [{"path": "x"}]}', "[1, 2]"])
def test_a_broken_manifest_is_an_integrity_error(text: str) -> None:
    with pytest.raises(IntegrityError, match="not a valid manifest"):
        Manifest.from_json(text, where="x/manifest.json")
