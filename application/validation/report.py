"""A validation report as JSON and Markdown."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from codemill.domain.validation import CheckResult

_MARK = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "skip": "skip"}  # nosec B105  # a status label, not a password


def report_payload(
    *, model: str, source: str, dataset: str | None, checks: Sequence[CheckResult], elapsed_s: float
) -> dict[str, Any]:
    """The JSON shape of a report: the verdict first, then every check with its figures."""
    failures = [check.failure_line for check in checks if check.status == "fail"]
    return {
        "model": model,
        "source": source,
        "dataset": dataset,
        "passed": not failures,
        "failures": failures,
        "elapsed_s": round(elapsed_s, 3),
        "checks": [
            {"name": c.name, "status": c.status, "details": c.details, "figures": dict(c.figures)}
            for c in checks
        ],
    }


def report_json(payload: Mapping[str, Any]) -> bytes:
    return (json.dumps(payload, indent=2, default=str) + "\n").encode("utf-8")


def report_markdown(payload: Mapping[str, Any], *, diagram: str | None = None) -> bytes:
    """A readable page: verdict, a table of checks, then each check's figures."""
    verdict = "passed" if payload["passed"] else "FAILED"
    lines = [
        f"# Validation of {payload['model']}",
        "",
        f"Verdict: **{verdict}** ({payload['source']} model"
        + (f", dataset {payload['dataset']}" if payload["dataset"] else "")
        + f", {payload['elapsed_s']:.1f} s).",
        "",
        "| check | status | details |",
        "|---|---|---|",
    ]
    lines += [
        f"| {c['name']} | {_MARK[c['status']]} | {str(c['details']).replace('|', '/')} |"
        for c in payload["checks"]
    ]
    for check in payload["checks"]:
        figures = {k: v for k, v in check["figures"].items() if k != "confusion_matrix"}
        if figures:
            lines += ["", f"## {check['name']}", ""]
            lines += [f"- {key}: {_number(value)}" for key, value in figures.items()]
        matrix = check["figures"].get("confusion_matrix")
        if matrix:
            lines += ["", "Confusion matrix (rows: truth, columns: prediction):", ""]
            lines += ["    " + " ".join(f"{n:6d}" for n in row) for row in matrix]
    if diagram:
        lines += ["", f"![reliability diagram]({diagram})"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_number(v)}" for k, v in value.items())
    return str(value)
