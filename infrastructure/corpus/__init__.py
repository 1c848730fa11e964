"""Corpora stored as sharded Parquet plus stats and a manifest, on any ArtifactStore."""

from codemill.infrastructure.corpus.parquet_corpus_repository import ParquetCorpusRepository
from codemill.infrastructure.corpus.parquet_corpus_sink import ParquetCorpusSink

__all__ = ["ParquetCorpusRepository", "ParquetCorpusSink"]
