"""A drift report as JSON and Markdown, and a figure per drifted feature."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from codemill.application.monitoring.feature_comparison import ComparedFeature
from codemill.domain.drift import DriftStatus, FeatureDrift, FeatureKind
from codemill.domain.ports.plotter import Plotter

REPORT_JSON, REPORT_MD, FIGURES = "drift.json", "drift.md", "figures"
_MARK = {"ok": "ok", "warning": "WARNING", "drift": "**DRIFT**", "insufficient": "not judged"}


def feature_dict(feature: FeatureDrift) -> dict[str, Any]:
    return {
        "name": feature.name,
        "kind": feature.kind.value,
        "status": feature.status.value,
        "psi": feature.psi,
        "test": feature.test,
        "statistic": feature.statistic,
        "p_value": feature.p_value,
        "js_distance": feature.js_distance,
        "reference_count": feature.reference_count,
        "current_count": feature.current_count,
        "reference": _plain(feature.reference),
        "current": _plain(feature.current),
    }


def figures(compared: Sequence[ComparedFeature], plotter: Plotter) -> dict[str, bytes]:
    """`figures/NAME.png` for each feature judged as drift: shares of reference and current values."""
    drawn = {}
    for item in compared:
        feature = item.drift
        if feature.status is not DriftStatus.DRIFT:
            continue
        title = f"{feature.name}: PSI {feature.psi:.2f}"
        if feature.kind is FeatureKind.NUMERIC:
            series = {
                "reference": [float(v) for v in item.reference],
                "current": [float(v) for v in item.current],
            }
            png = plotter.overlaid_histograms(series, title=title, xlabel=feature.name)
        else:
            shares = {"reference": feature.reference, "current": feature.current}
            png = plotter.grouped_bars(
                {side: dict(value) for side, value in shares.items() if isinstance(value, Mapping)},
                title=title,
                ylabel="share",
            )
        drawn[f"{FIGURES}/{feature.name}.png"] = png
    return drawn


def report_json(payload: Mapping[str, Any]) -> bytes:
    return (json.dumps(payload, indent=2, default=str) + "\n").encode("utf-8")


def report_markdown(payload: Mapping[str, Any], figure_paths: Sequence[str]) -> bytes:
    """Verdict, the window and the reference, a table of features, then the figures."""
    verdict = "drift" if payload["drift"] else "no drift"
    thresholds = payload["thresholds"]
    lines = [
        f"# Drift of {payload['name']}",
        "",
        f"Verdict: **{verdict}**"
        + (f" in {', '.join(payload['drifted'])}" if payload["drifted"] else "")
        + (f"; warnings in {', '.join(payload['warnings'])}" if payload["warnings"] else "")
        + ".",
        "",
        f"- window: {payload['current_count']} logged inputs from {payload['window']['start']} "
        f"to {payload['window']['end']}",
        f"- reference: {payload['reference_count']} samples of {payload['dataset']}/{payload['split']}, "
        f"measured and predicted with {payload['model']}",
        f"- thresholds: PSI >= {thresholds['warning']} warning, >= {thresholds['drift']} drift; "
        f"at least {thresholds['min_samples']} values a side",
        *(f"- note: {note}" for note in payload["notes"]),
        "",
        "| feature | status | PSI | test | statistic | p-value | JS | reference | current |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_row(feature) for feature in payload["features"]]
    lines += [line for path in figure_paths for line in ("", f"![{path}]({path})")]
    return ("\n".join(lines) + "\n").encode("utf-8")


def describe(value: Any) -> str:
    """A side's summary in a few characters: a mean, or the top categories with their shares."""
    if value is None:
        return "-"
    if isinstance(value, Mapping):
        top = list(value.items())[:3]
        more = ", ..." if len(value) > 3 else ""
        return ", ".join(f"{name} {share:.0%}" for name, share in top) + more
    return f"mean {value:.3g}"


def _row(feature: Mapping[str, Any]) -> str:
    cells = [
        feature["name"],
        _MARK[feature["status"]],
        _number(feature["psi"]),
        feature["test"],
        _number(feature["statistic"]),
        _number(feature["p_value"]),
        _number(feature["js_distance"]),
        f"{describe(feature['reference'])} (n={feature['reference_count']})",
        f"{describe(feature['current'])} (n={feature['current_count']})",
    ]
    return "| " + " | ".join(cells) + " |"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def _plain(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value
