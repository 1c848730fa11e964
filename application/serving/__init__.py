"""Serving a model: load it ready to answer, batch concurrent requests, follow a registry alias."""
