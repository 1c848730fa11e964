"""Deduplicator on MinHash signatures and banded LSH (datasketch)."""

from __future__ import annotations

from collections.abc import Sequence

from codemill.domain.code import CodeUnit
from codemill.domain.ports.deduplicator import DedupVerdict
from codemill.infrastructure.dedup.minhash_index import MinHashIndex, MinHashParams

EXACT = "exact_duplicate"
NEAR = "near_duplicate"


class MinHashDeduplicator:
    """Greedy streaming near-deduplication, with the defaults of BigCode's near-dedup of The Stack.

    Contract (the Deduplicator port, plus):
    - a unit's set is its `code`'s 5-token shingles (codemill.domain.shingles, comments
      dropped); its signature is a 256-permutation MinHash;
    - a unit whose id was seen before gets the verdict of its first copy: an
      `exact_duplicate` of the kept unit, or the same `near_duplicate` verdict
      when the first copy was itself a near duplicate;
    - otherwise the LSH (25 bands x 10 rows) proposes candidates among kept
      units, and the unit joins the cluster of the most similar one whose
      estimated Jaccard is >= `threshold` (0.7), as a `near_duplicate` of it;
    - otherwise the unit is kept and founds its cluster (`cluster_id` = its id);
    - units of a loaded index count as kept before any checked unit.
    `export_index` holds the kept units only. `load_index` refuses (IntegrityError)
    an index whose signatures are not comparable (other num_perm, seed, shingle
    size or hashing); bands, rows and threshold are query-time settings, so the
    loaded signatures are re-banded with this deduplicator's own.
    """

    def __init__(
        self,
        *,
        num_perm: int = 256,
        threshold: float = 0.7,
        bands: int = 25,
        rows: int = 10,
        shingle_size: int = 5,
        seed: int = 1,
    ) -> None:
        params = MinHashParams(
            num_perm=num_perm,
            threshold=threshold,
            bands=bands,
            rows=rows,
            shingle_size=shingle_size,
            seed=seed,
        )
        self._index = MinHashIndex(params)
        self._seen: dict[str, DedupVerdict] = {}

    @property
    def kept_count(self) -> int:
        """Kept units, loaded ones included."""
        return len(self._index)

    def fingerprint(self, unit: CodeUnit) -> bytes:
        values = self._index.signature(unit.code, unit.language)
        return bytes(values.astype("<u4").tobytes())

    def fingerprints(self, units: Sequence[CodeUnit]) -> list[bytes]:
        matrix = self._index.signatures([(unit.code, unit.language) for unit in units])
        return [bytes(row.tobytes()) for row in matrix.astype("<u4")]

    def check(self, unit: CodeUnit, fingerprint: bytes | None = None) -> DedupVerdict:
        if unit.id in self._seen:
            return self._seen[unit.id]
        if fingerprint is None:
            fingerprint = self.fingerprint(unit)
        return self.check_fingerprint(unit.id, fingerprint)

    def check_fingerprint(self, unit_id: str, fingerprint: bytes | None) -> DedupVerdict:
        earlier = self._seen.get(unit_id)
        if earlier is not None:
            return earlier
        if fingerprint is None:
            self._remember_kept(unit_id, unit_id)
            return DedupVerdict(cluster_id=unit_id)
        signature = self._index.from_fingerprint(fingerprint)
        match = self._index.best_match(signature)
        if match is None:
            self._index.add(unit_id, unit_id, signature)
            self._remember_kept(unit_id, unit_id)
            return DedupVerdict(cluster_id=unit_id)
        verdict = DedupVerdict(cluster_id=match.cluster_id, duplicate_of=match.unit_id, reason=NEAR)
        self._seen[unit_id] = verdict
        return verdict

    def _remember_kept(self, unit_id: str, cluster_id: str) -> None:
        self._seen[unit_id] = DedupVerdict(cluster_id=cluster_id, duplicate_of=unit_id, reason=EXACT)

    def export_index(self) -> bytes:
        return self._index.to_bytes()

    def load_index(self, data: bytes) -> None:
        for unit_id, cluster_id, signature in self._index.read(data):
            if unit_id not in self._seen:
                self._index.add(unit_id, cluster_id, signature)
                self._remember_kept(unit_id, cluster_id)
