"""Near-duplicate detection: MinHash signatures over token shingles, banded LSH."""

from codemill.infrastructure.dedup.minhash_deduplicator import MinHashDeduplicator

__all__ = ["MinHashDeduplicator"]
