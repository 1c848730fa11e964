"""Entities, value objects, ports and pure policies. Imports nothing outside the standard library."""
