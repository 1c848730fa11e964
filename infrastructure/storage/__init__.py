"""Artifact stores: the local disk (atomic writes) and any S3-compatible service, scoped views of both."""
