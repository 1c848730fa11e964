"""Labels from corpus fields and from users' columns, as the strings a dataset stores."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import fields
from enum import Enum

from codemill.domain.code import CodeUnit
from codemill.domain.corpus import QualityMetrics, UnitRecord
from codemill.domain.errors import InputError
from codemill.domain.unit_filters import TEST_FLAG

FLAGS_FIELD = "flags"
OTHER_FLAG = "other"
_UNIT_FIELDS = frozenset(f.name for f in fields(CodeUnit))
_QUALITY_FIELDS = frozenset(f.name for f in fields(QualityMetrics))


def label_fields() -> list[str]:
    """Every corpus field a classification label can come from."""
    return sorted(_UNIT_FIELDS | _QUALITY_FIELDS | {FLAGS_FIELD})


def label_reader(field: str) -> Callable[[UnitRecord], str | None]:
    """A function reading `field` of a record as a label (None when the record has no value).

    `flags` reads 'test' for units flagged as tests and 'other' otherwise.
    Raises InputError naming the valid fields when `field` is none of them.
    """
    if field == FLAGS_FIELD:
        return lambda record: TEST_FLAG if TEST_FLAG in record.flags else OTHER_FLAG
    if field in _UNIT_FIELDS:
        return lambda record: as_label(getattr(record.unit, field))
    if field in _QUALITY_FIELDS:
        return lambda record: as_label(getattr(record.quality, field))
    raise InputError(f"no corpus field {field!r} to label by (choose one of: {', '.join(label_fields())})")


def as_label(value: object) -> str | None:
    """`value` as a label string; None for None, NaN and blank strings.

    Enums give their value, booleans 'true'/'false', integral floats their
    integer ('1.0' -> '1', as numeric columns read back with gaps come out).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def as_labels(value: object) -> tuple[str, ...]:
    """A multi-label value as sorted unique labels: a list/tuple/set, or a comma-separated string."""
    items: Iterable[object]
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    else:
        items = () if as_label(value) is None else (value,)
    return tuple(sorted({label for item in items if (label := as_label(item)) is not None}))
