"""`codemill serve`: a model behind HTTP, with dynamic batching, health, metrics and alias following."""

from __future__ import annotations

import click

_SECONDS = click.FloatRange(min=0.1)


@click.command("serve")
@click.argument("model_ref", metavar="MODEL_REF")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0: any free port."
)
@click.option(
    "--max-batch-size",
    default=16,
    show_default=True,
    type=click.IntRange(min=1),
    help="Inputs per model call.",
)
@click.option(
    "--max-latency-ms",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Longest an input waits for its batch to fill.",
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Server processes.")
@click.option(
    "--follow-alias/--no-follow-alias",
    default=True,
    show_default=True,
    help="For registry:NAME@ALIAS, swap in the version the alias moves to.",
)
@click.option(
    "--poll-seconds", default=5.0, show_default=True, type=_SECONDS, help="How often to read the alias."
)
@click.option(
    "--max-inputs", default=64, show_default=True, type=click.IntRange(min=1), help="Inputs per request."
)
@click.option(
    "--max-body-bytes", default=1_000_000, show_default=True, type=click.IntRange(min=1), help="Request size."
)
@click.option("--device", default="auto", show_default=True, help="auto (CUDA when available), cpu or cuda.")
@click.option(
    "--threads", type=click.IntRange(min=1), help="Torch threads per worker [default: CPUs / workers]."
)
@click.option("--max-new-tokens", type=click.IntRange(min=1), help="Generators: tokens to generate at most.")
def serve_command(model_ref: str, **options: object) -> None:
    """Serve MODEL_REF over HTTP until SIGTERM (in-flight requests are answered, then exit 0).

    MODEL_REF is registry:NAME@ALIAS, registry:NAME/VERSION, a model name in
    storage or a local model folder. Endpoints: POST /v1/predict
    {"inputs": ["code", ...]}, GET /v1/model, /healthz, /readyz, /metrics.

    \b
    Examples:
      codemill serve registry:kinds@prod --port 8080
      codemill serve ./exported-model --max-batch-size 32 --max-latency-ms 5
      curl -s localhost:8000/v1/predict -d '{"inputs": ["def f(x):\\n    return x"]}'
    """
    from codemill.presentation.serving import ServeConfig, serve
    from codemill.presentation.wiring import ensure_wired

    serve(ensure_wired(), ServeConfig(reference=model_ref, **options))  # type: ignore[arg-type]
