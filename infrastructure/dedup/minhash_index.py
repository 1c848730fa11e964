"""MinHash signatures of code, a banded LSH over them, and its pickle-free serialisation."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash
from datasketch.minhash import _fmix  # the finalizer update_batch applies (scheme affine32)

from codemill.domain.code import Language
from codemill.domain.errors import IntegrityError
from codemill.domain.shingles import code_tokens, shingles

INDEX_FORMAT = "codemill-minhash-index/1"
SCHEME = "affine32"  # datasketch's permutation scheme; signatures are uint32
SHINGLE_HASH = "crc32-utf8"  # how a shingle becomes the 32-bit input of the permutations
_INITIAL_ROWS = 1024
_BATCH_SHINGLES = 20_000  # shingles hashed at once: 20 MB of permuted values


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
    """Kept units' signatures: ids, clusters, a uint32 matrix (one row each) and a banded LSH on row numbers.

    Signatures are datasketch's MinHash values (scheme affine32), computed
    with one reusable MinHash rather than one object per unit. The LSH is a
    dict per band from the band's values to the rows holding them: the same
    candidates as datasketch's MinHashLSH with these bands and rows.
    """

    def __init__(self, params: MinHashParams) -> None:
        self.params = params
        self._hasher = MinHash(num_perm=params.num_perm, seed=params.seed, hashfunc=int, scheme=SCHEME)
        self._initial = self._hasher.hashvalues.copy()
        self._bands = [(band * params.rows, (band + 1) * params.rows) for band in range(params.bands)]
        self._tables: list[dict[bytes, list[int]]] = [{} for _ in self._bands]
        self._ids: list[str] = []
        self._clusters: list[str] = []
        self._matrix = np.empty((_INITIAL_ROWS, params.num_perm), dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._ids)

    def signature(self, code: str, language: Language | None) -> np.ndarray:
        """The MinHash values of the code's token shingles (an empty set keeps the initial values)."""
        grams = shingles(code_tokens(code, language), self.params.shingle_size)
        self._hasher.hashvalues = self._initial
        self._hasher.update_batch(list(map(zlib.crc32, map(str.encode, grams))))
        return np.asarray(self._hasher.hashvalues, dtype=np.uint32)

    def signatures(self, codes: Sequence[tuple[str, Language | None]]) -> np.ndarray:
        """`signature` of each (code, language), one row each: the units of a file hashed together.

        The same arithmetic as datasketch's `update_batch` (MurmurHash3
        finalizer, then the affine permutations mod 2^32), applied to every
        shingle of a group of units at once, then a minimum per unit.
        """
        grams = [shingles(code_tokens(code, language), self.params.shingle_size) for code, language in codes]
        out = np.tile(self._initial.astype(np.uint32), (len(codes), 1))
        start = 0
        while start < len(grams):
            stop, total = start, 0
            while stop < len(grams) and (stop == start or total + len(grams[stop]) <= _BATCH_SHINGLES):
                total += len(grams[stop])
                stop += 1
            self._minimum_of(grams[start:stop], out[start:stop])
            start = stop
        return out

    def _minimum_of(self, grams: list[set[str]], out: np.ndarray) -> None:
        counts = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
        if not counts.any():
            return
        hashes = np.fromiter(
            (zlib.crc32(gram.encode()) for group in grams for gram in group),
            dtype=np.uint32,
            count=int(counts.sum()),
        )
        a, b = self._hasher.permutations
        permuted = _fmix(hashes, 32)[:, np.newaxis] * a + b
        filled = counts > 0
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[filled]
        out[filled] = np.minimum(out[filled], np.minimum.reduceat(permuted, starts, axis=0))

    def from_fingerprint(self, fingerprint: bytes) -> np.ndarray:
        """A signature from the little-endian uint32 bytes `fingerprint` made of its hash values."""
        if len(fingerprint) != 4 * self.params.num_perm:
            raise IntegrityError(
                f"fingerprint has {len(fingerprint)} bytes, expected {4 * self.params.num_perm}"
            )
        return np.frombuffer(fingerprint, dtype="<u4").astype(np.uint32)

    def best_match(self, signature: np.ndarray) -> Match | None:
        """The most similar kept unit at or above the threshold; ties go to the earliest kept."""
        candidates: set[int] = set()
        for table, key in zip(self._tables, self._keys(signature), strict=True):
            candidates.update(table.get(key, ()))
        if not candidates:
            return None
        rows = np.sort(np.fromiter(candidates, dtype=np.int64, count=len(candidates)))
        equal = self._matrix[rows] == signature
        similarities = np.count_nonzero(equal, axis=1) / self.params.num_perm
        best = int(np.argmax(similarities))
        if similarities[best] < self.params.threshold:
            return None
        row = int(rows[best])
        return Match(self._ids[row], self._clusters[row], float(similarities[best]))

    def add(self, unit_id: str, cluster_id: str, signature: np.ndarray) -> None:
        row = len(self._ids)
        if row == len(self._matrix):
            self._matrix = np.concatenate([self._matrix, np.empty_like(self._matrix)])
        self._matrix[row] = signature
        self._ids.append(unit_id)
        self._clusters.append(cluster_id)
        for table, key in zip(self._tables, self._keys(signature), strict=True):
            table.setdefault(key, []).append(row)

    def _keys(self, signature: np.ndarray) -> list[bytes]:
        data = signature.astype("<u4", copy=False).tobytes()
        return [data[4 * start : 4 * end] for start, end in self._bands]

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

    def read(self, data: bytes) -> Iterator[tuple[str, str, np.ndarray]]:
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
            (str(unit_id), str(cluster_id), np.asarray(hashvalues, dtype=np.uint32))
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
