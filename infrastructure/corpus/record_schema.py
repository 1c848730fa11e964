"""The corpus Parquet schema, and the one place where UnitRecords become rows and back.

Columns: every CodeUnit field (language and kind as their string values), the
QualityMetrics fields flattened as nullable `quality_*` columns, `findings` as
list<struct<test_id, test_name, cwe, severity, confidence, line, message>>,
`flags` as a sorted list<string>, `redactions` as list<struct<kind, count>>
sorted by kind, and `cluster_id`. Redactions are a list of structs rather than
an Arrow map because Hugging Face `datasets` cannot load map columns. Rejected
rows add `reason`, `duplicate_of` and `detail`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

import pyarrow as pa

from codemill.domain.code import CodeUnit, Language, UnitKind
from codemill.domain.corpus import QualityMetrics, Rejection, SecurityFinding, UnitRecord

SCHEMA_VERSION = 1
QUALITY_PREFIX = "quality_"

_UNIT_FIELDS = [
    pa.field("id", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("commit", pa.string(), nullable=False),
    pa.field("path", pa.string(), nullable=False),
    pa.field("language", pa.string(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),
    pa.field("name", pa.string(), nullable=False),
    pa.field("qualified_name", pa.string(), nullable=False),
    pa.field("signature", pa.string(), nullable=False),
    pa.field("docstring", pa.string()),
    pa.field("code", pa.large_string(), nullable=False),
    pa.field("code_without_docstring", pa.large_string(), nullable=False),
    pa.field("start_line", pa.int32(), nullable=False),
    pa.field("end_line", pa.int32(), nullable=False),
    pa.field("start_byte", pa.int64(), nullable=False),
    pa.field("end_byte", pa.int64(), nullable=False),
    pa.field("has_error", pa.bool_(), nullable=False),
]
_QUALITY_FIELDS = [
    pa.field(QUALITY_PREFIX + "cyclomatic", pa.int32()),
    pa.field(QUALITY_PREFIX + "complexity_rank", pa.string()),
    pa.field(QUALITY_PREFIX + "maintainability_index", pa.float64()),
    pa.field(QUALITY_PREFIX + "halstead_volume", pa.float64()),
    pa.field(QUALITY_PREFIX + "loc", pa.int32()),
    pa.field(QUALITY_PREFIX + "sloc", pa.int32()),
    pa.field(QUALITY_PREFIX + "comments", pa.int32()),
    pa.field(QUALITY_PREFIX + "token_count", pa.int32()),
    pa.field(QUALITY_PREFIX + "parameter_count", pa.int32()),
]
FINDING_TYPE = pa.struct(
    [
        pa.field("test_id", pa.string()),
        pa.field("test_name", pa.string()),
        pa.field("cwe", pa.int32()),
        pa.field("severity", pa.string()),
        pa.field("confidence", pa.string()),
        pa.field("line", pa.int32()),
        pa.field("message", pa.string()),
    ]
)
REDACTION_TYPE = pa.struct([pa.field("kind", pa.string()), pa.field("count", pa.int32())])
_RECORD_FIELDS = [
    pa.field("findings", pa.list_(FINDING_TYPE), nullable=False),
    pa.field("flags", pa.list_(pa.string()), nullable=False),
    pa.field("redactions", pa.list_(REDACTION_TYPE), nullable=False),
    pa.field("cluster_id", pa.string(), nullable=False),
]
_REJECTION_FIELDS = [
    pa.field("reason", pa.string(), nullable=False),
    pa.field("duplicate_of", pa.string()),
    pa.field("detail", pa.string(), nullable=False),
]
_METADATA = {b"codemill.schema_version": str(SCHEMA_VERSION).encode()}
RECORD_SCHEMA = pa.schema(_UNIT_FIELDS + _QUALITY_FIELDS + _RECORD_FIELDS, metadata=_METADATA)
REJECTED_SCHEMA = pa.schema(
    _UNIT_FIELDS + _QUALITY_FIELDS + _RECORD_FIELDS + _REJECTION_FIELDS, metadata=_METADATA
)

UNIT_COLUMNS = tuple(f.name for f in _UNIT_FIELDS)
QUALITY_COLUMNS = tuple(f.name.removeprefix(QUALITY_PREFIX) for f in _QUALITY_FIELDS)


def record_to_row(record: UnitRecord) -> dict[str, Any]:
    unit, quality = record.unit, record.quality
    row: dict[str, Any] = {name: getattr(unit, name) for name in UNIT_COLUMNS}
    row["language"], row["kind"] = unit.language.value, unit.kind.value
    row.update({QUALITY_PREFIX + name: getattr(quality, name) for name in QUALITY_COLUMNS})
    row["findings"] = [asdict(finding) for finding in record.findings]
    row["flags"] = sorted(record.flags)
    row["redactions"] = [{"kind": k, "count": n} for k, n in sorted(record.redactions.items())]
    row["cluster_id"] = record.cluster_id
    return row


def rejected_to_row(record: UnitRecord, rejection: Rejection) -> dict[str, Any]:
    row = record_to_row(record)
    row.update(reason=rejection.reason, duplicate_of=rejection.duplicate_of, detail=rejection.detail)
    return row


def records_table(records: Iterable[UnitRecord]) -> pa.Table:
    return pa.Table.from_pylist([record_to_row(r) for r in records], schema=RECORD_SCHEMA)


def rejected_table(rejected: Iterable[tuple[UnitRecord, Rejection]]) -> pa.Table:
    return pa.Table.from_pylist([rejected_to_row(r, j) for r, j in rejected], schema=REJECTED_SCHEMA)


def row_to_record(row: Mapping[str, Any]) -> UnitRecord:
    """The UnitRecord of a row; raises KeyError, TypeError or ValueError on a malformed row."""
    unit_values = {name: row[name] for name in UNIT_COLUMNS}
    unit_values["language"] = Language(row["language"])
    unit_values["kind"] = UnitKind(row["kind"])
    return UnitRecord(
        unit=CodeUnit(**unit_values),
        quality=QualityMetrics(**{name: row[QUALITY_PREFIX + name] for name in QUALITY_COLUMNS}),
        findings=tuple(SecurityFinding(**finding) for finding in row["findings"]),
        flags=frozenset(row["flags"]),
        redactions={item["kind"]: item["count"] for item in row["redactions"]},
        cluster_id=row["cluster_id"],
    )


def row_to_rejection(row: Mapping[str, Any]) -> Rejection:
    return Rejection(reason=row["reason"], duplicate_of=row["duplicate_of"], detail=row["detail"])
