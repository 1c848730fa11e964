"""Adapters of a model server: its Prometheus metrics."""
