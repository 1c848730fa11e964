"""Adapters that measure, scan and clean code units (radon, lizard, bandit, detect-secrets).

The adapters import their tools at module level; import each module directly,
never through this package, so that the command line starts without them.
"""
