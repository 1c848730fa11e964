"""Training runs, their checkpoints and exported models, on any ArtifactStore."""

from codemill.infrastructure.runs.storage_run_repository import StorageRunRepository

__all__ = ["StorageRunRepository"]
