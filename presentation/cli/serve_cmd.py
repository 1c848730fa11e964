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
@click.option(
    "--log-predictions",
    is_flag=True,
    help="Log sampled inputs' features and predictions to monitoring/NAME/ (see codemill monitor).",
)
@click.option(
    "--sample-rate",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0, max=1, min_open=True),
    help="With --log-predictions: the share of inputs logged.",
)
@click.option(
    "--log-flush-records",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --log-predictions: write a log file once this many records wait.",
)
@click.option(
    "--log-flush-seconds",
    default=60.0,
    show_default=True,
    type=_SECONDS,
    help="With --log-predictions: ... or once the oldest has waited this long (and at shutdown).",
)
def serve_command(model_ref: str, **options: object) -> None:
    """Serve MODEL_REF over HTTP until SIGTERM (in-flight requests are answered, then exit 0).

    MODEL_REF is registry:NAME@ALIAS, registry:NAME/VERSION, a model name in
    storage or a local model folder. Endpoints: POST /v1/predict
    {"inputs": ["code", ...]}, GET /v1/model, /healthz, /readyz, /metrics.

    \b
    Examples:
      codemill serve registry:kinds@prod --port 8080
      codemill serve ./exported-model --max-batch-size 32 --max-latency-ms 5
      codemill serve registry:kinds@prod --log-predictions --sample-rate 0.1
      curl -s localhost:8000/v1/predict -d '{"inputs": ["def f(x):\\n    return x"]}'
    """
    _check_log_options(click.get_current_context(), bool(options["log_predictions"]))
    from codemill.presentation.serving import ServeConfig, serve
    from codemill.presentation.wiring import ensure_wired

    serve(ensure_wired(), ServeConfig(reference=model_ref, **options))  # type: ignore[arg-type]


def _check_log_options(ctx: click.Context, logging_predictions: bool) -> None:
    """The prediction log's options mean nothing without --log-predictions: bad usage (exit 2)."""
    given = [
        f"--{name.replace('_', '-')}"
        for name in ("sample_rate", "log_flush_records", "log_flush_seconds")
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
    ]
    if given and not logging_predictions:
        verb = "needs" if len(given) == 1 else "need"
        raise click.UsageError(f"{', '.join(given)} {verb} --log-predictions", ctx)
