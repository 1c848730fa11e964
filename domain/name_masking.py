"""Hiding a unit's own name in its code, for the method-name prediction task."""

from __future__ import annotations

import re

# Identifier characters across the supported languages: `$` belongs to names in JavaScript and PHP.
_IDENTIFIER_CHAR = r"[\w$]"


def mask_name(code: str, name: str, mask: str = "<MASK>") -> str:
    """`code` with every whole-identifier occurrence of `name` replaced by `mask`.

    Guarantees: the definition, recursive calls and any other standalone use
    (strings and comments included) are masked; `name` inside a longer
    identifier (`name` in `rename`, `name_of`, `$name`) is left alone; an
    empty `name` leaves `code` unchanged.
    """
    if not name:
        return code
    pattern = re.compile(rf"(?<!{_IDENTIFIER_CHAR}){re.escape(name)}(?!{_IDENTIFIER_CHAR})")
    return pattern.sub(lambda _: mask, code)
