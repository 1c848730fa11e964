"""MinHash signatures of code, a banded LSH over them, and its pickle-free serialisation."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from codemill.domain.code import Language
from codemill.domain.errors import IntegrityError
from codemill.domain.shingles import code_tokens, shingles

INDEX_FORMAT = "codemill-minhash-index/1"
SCHEME = "affine32"  # datasketch's permutation scheme; signatures are uint32
SHINGLE_HASH = "crc32-utf8"  # how a shingle becomes the 32-bit input of the permutations
_INITIAL_ROWS = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class MinHashParams:
    num_perm: int = 256
    threshold: float = 0.7
    bands: int = 25
    rows: int = 10
    shingle_size: int = 5
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        if self.bands < 2 or self.rows < 1 or self.bands * self.rows > self.num_perm:
            raise ValueError(
                f"need bands >= 2, rows >= 1 and bands x rows <= num_perm; "
                f"got {self.bands} x {self.rows} with num_perm {self.num_perm}"
            )
        if self.shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1, got {self.shingle_size}")

    def signature_fields(self) -> dict[str, int | str]:
        """What makes two signatures comparable; an index must match these to be loaded."""
        return {
            "num_perm": self.num_perm,
            "seed": self.seed,
            "shingle_size": self.shingle_size,
            "scheme": SCHEME,
            "shingle_hash": SHINGLE_HASH,
        }


@dataclass(frozen=True, slots=True)
class Match:
    unit_id: str
    cluster_id: str
    similarity: float


class MinHashIndex:
    """Kept units' signatures: ids, clusters, a uint32 matrix (one row each) and an LSH on row numbers."""

    def __init__(self, params: MinHashParams) -> None:
        self.params = params
        self._permutations = MinHash(num_perm=params.num_perm, seed=params.seed, scheme=SCHEME).permutations
        self._lsh = MinHashLSH(num_perm=params.num_perm, params=(params.bands, params.rows))
        self._ids: list[str] = []
        self._clusters: list[str] = []
        self._matrix = np.empty((_INITIAL_ROWS, params.num_perm), dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._ids)

    def signature(self, code: str, language: Language | None) -> MinHash:
        """The MinHash of the code's token shingles (an empty set keeps the initial values)."""
        grams = shingles(code_tokens(code, language), self.params.shingle_size)
        minhash = self._minhash()
        minhash.update_batch(list(map(zlib.crc32, map(str.encode, grams))))
        return minhash

    def from_fingerprint(self, fingerprint: bytes) -> MinHash:
        """A signature from the little-endian uint32 bytes `fingerprint` made of its hash values."""
        if len(fingerprint) != 4 * self.params.num_perm:
            raise IntegrityError(
                f"fingerprint has {len(fingerprint)} bytes, expected {4 * self.params.num_perm}"
            )
        values = np.frombuffer(fingerprint, dtype="<u4").astype(np.uint32)
        return self._minhash(values)

    def _minhash(self, hashvalues: np.ndarray | None = None) -> MinHash:
        return MinHash(
            num_perm=self.params.num_perm,
            seed=self.params.seed,
            hashfunc=int,  # inputs are already 32-bit hashes
            hashvalues=hashvalues,
            permutations=self._permutations,
            scheme=SCHEME,
        )

    def best_match(self, signature: MinHash) -> Match | None:
        """The most similar kept unit at or above the threshold; ties go to the earliest kept."""
        candidates = self._lsh.query(signature)
        if not candidates:
            return None
        rows = np.sort(np.fromiter(candidates, dtype=np.int64, count=len(candidates)))
        equal = self._matrix[rows] == signature.hashvalues
        similarities = np.count_nonzero(equal, axis=1) / self.params.num_perm
        best = int(np.argmax(similarities))
        if similarities[best] < self.params.threshold:
            return None
        row = int(rows[best])
        return Match(self._ids[row], self._clusters[row], float(similarities[best]))

    def add(self, unit_id: str, cluster_id: str, signature: MinHash) -> None:
        row = len(self._ids)
        if row == len(self._matrix):
            self._matrix = np.concatenate([self._matrix, np.empty_like(self._matrix)])
        self._matrix[row] = signature.hashvalues
        self._ids.append(unit_id)
        self._clusters.append(cluster_id)
        self._lsh.insert(row, signature, check_duplication=False)

    def to_bytes(self) -> bytes:
        """An `.npz` of ids, clusters, the signature matrix and the parameters; no pickled objects."""
        arrays: dict[str, Any] = {
            "format": np.array(INDEX_FORMAT),
            "ids": np.array(self._ids, dtype=np.str_),
            "cluster_ids": np.array(self._clusters, dtype=np.str_),
            "hashvalues": self._matrix[: len(self._ids)],
            "threshold": np.array(self.params.threshold),
            "bands": np.array(self.params.bands),
            "rows": np.array(self.params.rows),
        }
        arrays.update({name: np.array(value) for name, value in self.params.signature_fields().items()})
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **arrays)
        return buffer.getvalue()

    def read(self, data: bytes) -> Iterator[tuple[str, str, MinHash]]:
        """The (id, cluster id, signature) entries of a serialised index; refuses incomparable ones."""
        arrays = _read_npz(data)
        self._check_compatible(arrays)
        ids, clusters = arrays["ids"].tolist(), arrays["cluster_ids"].tolist()
        matrix = arrays["hashvalues"]
        shape_ok = matrix.shape == (len(ids), self.params.num_perm) and len(clusters) == len(ids)
        if not shape_ok or matrix.dtype != np.uint32:
            raise IntegrityError(
                f"MinHash index is inconsistent: {len(ids)} ids, {len(clusters)} clusters, "
                f"{matrix.dtype} matrix {matrix.shape}"
            )
        return (
            (str(unit_id), str(cluster_id), self._minhash(hashvalues))
            for unit_id, cluster_id, hashvalues in zip(ids, clusters, matrix, strict=True)
        )

    def _check_compatible(self, arrays: Mapping[str, np.ndarray]) -> None:
        if arrays["format"].item() != INDEX_FORMAT:
            raise IntegrityError(f"not a {INDEX_FORMAT} file (format {arrays['format'].item()!r})")
        for name, expected in self.params.signature_fields().items():
            found = arrays[name].item()
            if found != expected:
                raise IntegrityError(
                    f"MinHash index was built with {name}={found!r}, this deduplicator uses {expected!r}; "
                    "rebuild the earlier corpus or use its parameters"
                )


def _read_npz(data: bytes) -> dict[str, np.ndarray]:
    required = ("format", "ids", "cluster_ids", "hashvalues", *MinHashParams().signature_fields())
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {name: npz[name] for name in required}
    except (ValueError, KeyError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise IntegrityError(f"not a readable MinHash index: {exc}") from exc
