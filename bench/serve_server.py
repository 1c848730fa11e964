"""`codemill serve` for the serving benchmark, resolving registry:NAME@ALIAS from a JSON file it rereads.

    python -m bench.serve_server REGISTRY_JSON serve registry:bench@prod --port 0 ...

The file holds {"name": ..., "versions": {"1": folder, ...}, "aliases": {"prod": 1}};
the benchmark rewrites it to move the alias while the server runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dependency_injector import providers

from codemill.domain.errors import ArtifactNotFoundError
from codemill.domain.ports.model_resolver import REGISTRY_SCHEME, ModelResolver, ResolvedModel
from codemill.presentation.cli.main import cli
from codemill.presentation.container import Container
from codemill.presentation.wiring import wire_cli


class FileModelResolver(ModelResolver):
    """One model's versions and aliases, read from a JSON file on every call."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def _table(self) -> dict:
        return json.loads(self._path.read_text(encoding="utf-8"))

    def resolve(self, reference: str) -> ResolvedModel:
        table = self._table()
        target = reference.removeprefix(REGISTRY_SCHEME)
        name, _, alias = target.partition("@")
        version = table["aliases"].get(alias) if alias else int(target.partition("/")[2])
        if name != table["name"] or str(version) not in table["versions"]:
            raise ArtifactNotFoundError(f"no model {reference!r} in {self._path}")
        return ResolvedModel(
            reference=reference,
            folder=table["versions"][str(version)],
            name=name,
            version=version,
            alias=alias or None,
            fingerprint=f"version-{version}",
            lineage={"bench": True},
        )

    def current_version(self, name: str, alias: str) -> int | None:
        table = self._table()
        return table["aliases"].get(alias) if name == table["name"] else None


if __name__ == "__main__":
    resolver = FileModelResolver(Path(sys.argv[1]))

    class BenchContainer(Container):
        model_resolver = providers.Object(resolver)

    wire_cli(BenchContainer())
    cli.main(args=sys.argv[2:], prog_name="codemill")
