"""`codemill export`: a model to ONNX (fp32 or int8), checked for parity, published under models/NAME/."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from dependency_injector.wiring import Provide, inject

from codemill.presentation.cli.options import json_option, overwrite_option
from codemill.presentation.cli.output import emit_json, render_table

if TYPE_CHECKING:
    from codemill.application.export.export_model import ExportModel, ExportModelResult


@click.command("export")
@click.argument("model")
@click.option("--format", "format_", type=click.Choice(["onnx"]), default="onnx", show_default=True)
@click.option("--quantize", type=click.Choice(["int8"]), help="Quantize the weights (dynamic int8).")
@click.option("--name", help="Stored name (default: the model's name + -onnx or -onnx-int8).")
@click.option("--dataset", help="Dataset whose test split checks parity (default: the model's lineage).")
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0),
    default=1e-4,
    show_default=True,
    help="fp32: largest |logit difference| allowed, per unit of max(1, max|logit|).",
)
@click.option(
    "--min-retention",
    type=click.FloatRange(min=0),
    default=0.99,
    show_default=True,
    help="int8: share of the quality metric (accuracy, else label agreement) to keep.",
)
@click.option("--opset", type=click.IntRange(min=14), default=17, show_default=True, help="ONNX opset.")
@overwrite_option("model")
@json_option
@inject
def export_command(
    model: str,
    format_: str,
    quantize: str | None,
    name: str | None,
    dataset: str | None,
    tolerance: float,
    min_retention: float,
    opset: int,
    overwrite: bool,
    as_json: bool,
    use_case: ExportModel = Provide["export_model"],
) -> None:
    """Export MODEL (registry:NAME@ALIAS, registry:NAME/VERSION, a model in storage, a folder) to ONNX.

    The exported model must behave like its source on the test split of
    its dataset (else on built-in code snippets): fp32 within the logit
    tolerance with identical labels (an encoder-decoder: identical greedy
    generations), int8 keeping --min-retention of the accuracy. Otherwise
    nothing is published and the figures are printed. The folder (a
    classifier's model.onnx, or an encoder-decoder's encoder.onnx,
    decoder.onnx and decoder_with_past.onnx; config, tokenizer, export.json)
    goes under models/NAME/ with its manifest last.

    \b
    Examples:
      codemill export kinds
      codemill export registry:kinds@prod --quantize int8 --name kinds-int8
      codemill export ./my-model --dataset kinds --json
    """
    from codemill.application.export.export_model import ExportModelRequest

    result = use_case.execute(
        ExportModelRequest(
            model=model,
            format=format_,
            quantization="int8" if quantize == "int8" else "none",
            name=name,
            dataset=dataset,
            tolerance=tolerance,
            min_retention=min_retention,
            opset=opset,
            overwrite=overwrite,
        )
    )
    if as_json:
        emit_json(_payload(result))
        return
    parity = result.parity
    rows = [
        {"figure": "samples", "value": f"{parity.samples} ({result.sample_source})"},
        {"figure": "max_abs_diff", "value": f"{parity.max_abs_diff:.3g} (scale {parity.logit_scale:.3g})"},
        {"figure": "label_agreement", "value": f"{parity.label_agreement:.4f}"},
    ]
    if parity.metric != "label_agreement":
        metric = f"{parity.exported_metric:.4f} (source {parity.source_metric:.4f})"
        rows.append({"figure": parity.metric, "value": metric})
    rows.append({"figure": "retention", "value": f"{parity.retention:.4f}"})
    click.echo(render_table(rows, ["figure", "value"]))
    click.echo(
        f"exported {result.source} as models/{result.name}/ (onnx, {_precision(result)}, "
        f"opset {result.opset}, graph {result.graph_bytes / 1e6:.2f} MB)"
    )


def _precision(result: ExportModelResult) -> str:
    return "int8" if result.quantization == "int8" else "fp32"


def _payload(result: ExportModelResult) -> dict[str, object]:
    return {
        "name": result.name,
        "source": result.source,
        "fingerprint": result.fingerprint,
        "format": "onnx",
        "quantization": result.quantization,
        "opset": result.opset,
        "samples_from": result.sample_source,
        "parity": result.parity.to_dict(),
        "files": list(result.files),
        "graph_bytes": result.graph_bytes,
        "manifest_sha256": result.manifest_sha256,
    }
