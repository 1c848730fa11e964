"""Export of a model to another runtime: the parity figures and the policy that accepts them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from codemill.domain.evaluation_metrics import accuracy, macro_f1, token_f1

Quantization = Literal["none", "int8"]
DEFAULT_TOLERANCE = 1e-4  # max|diff| allowed per unit of logit scale (fp32)
DEFAULT_MIN_RETENTION = 0.99  # share of the quality metric an int8 model must keep


@dataclass(frozen=True, kw_only=True)
class ParityFigures:
    """How the exported model's logits compare with the source model's on the same samples."""

    samples: int
    max_abs_diff: float
    logit_scale: float  # max(1, max|logit| of the source)
    label_agreement: float  # share of samples with the same argmax (seq2seq: the same greedy generation)
    metric: str  # 'accuracy' (seq2seq: 'token_f1') on labelled samples, else 'label_agreement'
    source_metric: float
    exported_metric: float
    retention: float  # exported_metric / source_metric (1.0 when both are 0)
    macro_f1_source: float | None = None
    macro_f1_exported: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parity_figures(
    source: Sequence[Sequence[float]], exported: Sequence[Sequence[float]], labels: Sequence[int] | None
) -> ParityFigures:
    """Compare two logit matrices row by row; `labels` (class indices) score both when given."""
    if len(source) != len(exported) or not source:
        raise ValueError(f"cannot compare {len(source)} source rows with {len(exported)} exported rows")
    diff = max(
        abs(a - b)
        for row_a, row_b in zip(source, exported, strict=True)
        for a, b in zip(row_a, row_b, strict=True)
    )
    scale = max(1.0, *(abs(v) for row in source for v in row))
    source_labels, exported_labels = _argmax(source), _argmax(exported)
    agreement = accuracy(source_labels, exported_labels)
    f1_source: float | None = None
    f1_exported: float | None = None
    if labels is not None:
        source_metric, exported_metric = accuracy(labels, source_labels), accuracy(labels, exported_labels)
        f1_source, f1_exported = macro_f1(labels, source_labels), macro_f1(labels, exported_labels)
        metric = "accuracy"
    else:
        source_metric, exported_metric, metric = 1.0, agreement, "label_agreement"
    return ParityFigures(
        samples=len(source),
        max_abs_diff=diff,
        logit_scale=scale,
        label_agreement=agreement,
        metric=metric,
        source_metric=source_metric,
        exported_metric=exported_metric,
        retention=_retention(source_metric, exported_metric),
        macro_f1_source=f1_source,
        macro_f1_exported=f1_exported,
    )


def generation_parity(
    source: Sequence[str],
    exported: Sequence[str],
    first_steps: tuple[Sequence[Sequence[float]], Sequence[Sequence[float]]],
    references: Sequence[str] | None,
) -> ParityFigures:
    """Greedy generations compared text by text; logits are those of the first decoding step.

    `label_agreement` is the share of identical generations; with
    `references`, the metric is token F1 against them.
    """
    logits = parity_figures(first_steps[0], first_steps[1], None)
    agreement = sum(a == b for a, b in zip(source, exported, strict=True)) / len(source)
    if references is not None:
        source_metric, exported_metric = token_f1(references, source), token_f1(references, exported)
        metric = "token_f1"
    else:
        source_metric, exported_metric, metric = 1.0, agreement, "label_agreement"
    return ParityFigures(
        samples=len(source),
        max_abs_diff=logits.max_abs_diff,
        logit_scale=logits.logit_scale,
        label_agreement=agreement,
        metric=metric,
        source_metric=source_metric,
        exported_metric=exported_metric,
        retention=_retention(source_metric, exported_metric),
    )


def parity_failure(
    figures: ParityFigures, quantization: Quantization, *, tolerance: float, min_retention: float
) -> str | None:
    """Why the export is refused, in one line, or None when the figures pass.

    fp32: max|diff| <= tolerance * logit_scale and every argmax identical;
    int8: the quality metric keeps at least `min_retention` of the source's.
    """
    if quantization == "int8":
        if figures.retention < min_retention:
            return (
                f"{figures.metric} retention {figures.retention:.4f} < {min_retention} "
                f"(source {figures.source_metric:.4f}, int8 {figures.exported_metric:.4f}, "
                f"{figures.samples} samples)"
            )
        return None
    bound = tolerance * figures.logit_scale
    if figures.max_abs_diff > bound or figures.label_agreement < 1.0:
        return (
            f"max|diff| {figures.max_abs_diff:.3g} (bound {bound:.3g}), "
            f"label agreement {figures.label_agreement:.4f} on {figures.samples} samples"
        )
    return None


def _argmax(rows: Sequence[Sequence[float]]) -> list[int]:
    return [max(range(len(row)), key=row.__getitem__) for row in rows]


def _retention(source: float, exported: float) -> float:
    if source == 0.0:
        return 1.0 if exported >= source else 0.0
    return exported / source
