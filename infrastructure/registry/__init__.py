"""The model registry on any ArtifactStore, model lineage, and resolving model references."""
