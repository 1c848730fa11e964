"""Near-duplicate detection: MinHash signatures over token shingles, banded LSH."""

from infrastructure.dedup.minhash_deduplicator import MinHashDeduplicator

__all__ = ["MinHashDeduplicator"]
