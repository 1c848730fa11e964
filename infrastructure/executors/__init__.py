"""Parallel executors: a local process pool (more engines plug in behind the same port)."""
