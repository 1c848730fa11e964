"""The rule every stored name follows: corpora, datasets, runs and models."""

from __future__ import annotations

import re

from codemill.domain.errors import InputError

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_name(name: str, *, what: str) -> str:
    """`name` unchanged when valid; InputError naming `what` otherwise."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise InputError(
            f"invalid {what} name {name!r}: use 1-100 letters, digits, '.', '-' or '_', "
            "starting with a letter or digit"
        )
    return name
