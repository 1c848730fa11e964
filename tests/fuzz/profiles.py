"""Hypothesis settings profiles of the fuzz tests.

`default` (used by `make test`) runs a few hundred examples in all; `fuzz-long`
runs twenty times as many. HYPOTHESIS_PROFILE=fuzz-long selects the long one.
Each test takes its share of the profile's examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

DEFAULT = "default"
LONG = "fuzz-long"

settings.register_profile(
    DEFAULT,
    max_examples=500,
    deadline=None,
    database=None,  # a failure is reported with a reproduction blob instead of a local database
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.register_profile(LONG, settings.get_profile(DEFAULT), max_examples=10_000)


def active_profile() -> str:
    return LONG if os.environ.get("HYPOTHESIS_PROFILE") == LONG else DEFAULT


def share(fraction: float) -> settings:
    """The active profile with `fraction` of its examples."""
    profile = settings.get_profile(active_profile())
    return settings(profile, max_examples=max(1, round(profile.max_examples * fraction)))
