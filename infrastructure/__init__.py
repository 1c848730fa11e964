"""Adapters: the ports implemented on real technology. Heavy SDKs are imported lazily."""
