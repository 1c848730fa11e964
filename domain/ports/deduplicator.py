"""Port: exact and near-duplicate detection over a stream of units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from codemill.domain.code import CodeUnit


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupVerdict:
    """`duplicate_of` is None when the unit is kept (it then founds or joins no cluster but its own)."""

    cluster_id: str
    duplicate_of: str | None = None
    reason: str | None = None  # 'exact_duplicate' | 'near_duplicate'

    @property
    def kept(self) -> bool:
        return self.duplicate_of is None


class Deduplicator(Protocol):
    """Keeps the first unit of each exact or near-duplicate cluster, streaming.

    Contract: `check` decides one unit against every unit kept before it (and
    any index loaded with `load_index`), registering it when kept; exact
    duplicates are units with the same `id` (a hash of normalized tokens);
    near duplicates have estimated Jaccard similarity of token shingles at or
    above the threshold. `export_index` serialises what `load_index` needs to
    deduplicate a later corpus against this one, without pickle.
    `fingerprint` is pure and may run in another process (a worker) on a
    deduplicator built with the same parameters; passing its result to
    `check` gives the same verdict as letting `check` compute it.
    """

    def fingerprint(self, unit: CodeUnit) -> bytes: ...

    def fingerprints(self, units: Sequence[CodeUnit]) -> list[bytes]:
        """`[fingerprint(unit) for unit in units]`, computed together (faster for the units of a file)."""
        ...

    def check(self, unit: CodeUnit, fingerprint: bytes | None = None) -> DedupVerdict: ...

    def check_fingerprint(self, unit_id: str, fingerprint: bytes | None) -> DedupVerdict:
        """`check` of a unit known only by its id and its fingerprint (None: exact duplicates only)."""
        ...

    def export_index(self) -> bytes: ...

    def load_index(self, data: bytes) -> None: ...
