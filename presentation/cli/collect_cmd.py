"""`codemill collect`: code sources in, a corpus of code units out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from dependency_injector.wiring import Provide, inject

from codemill.domain.code import Language
from codemill.presentation.cli.options import json_option, overwrite_option
from codemill.presentation.cli.output import emit_json, render_table

if TYPE_CHECKING:
    from codemill.application.collection.collect_data import CollectData
    from codemill.application.collection.summary import CollectSummary


@click.command("collect")
@click.argument("sources", nargs=-1, required=True)
@click.option("--name", required=True, help="Corpus name; it is stored under corpora/NAME/.")
@click.option("--ref", help="Branch, tag or commit to check out for git sources.")
@click.option(
    "-l",
    "--language",
    "languages",
    multiple=True,
    type=click.Choice([lang.value for lang in Language]),
    help="Keep only these languages (repeatable). Default: every supported language.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Worker processes. Default: CODEMILL_COLLECT__WORKERS, else one per CPU core.",
)
@click.option("--no-filter", is_flag=True, help="Keep units the quality heuristics would reject.")
@click.option("--no-dedup", is_flag=True, help="Keep exact and near duplicates.")
@click.option("--no-security", is_flag=True, help="Skip the bandit security scan (faster).")
@click.option("--exclude-tests", is_flag=True, help="Reject test functions instead of only flagging them.")
@click.option("--dedup-against", metavar="CORPUS", help="Also drop units duplicated in an earlier corpus.")
@click.option(
    "--metrics",
    type=click.Choice(["full", "fast"]),
    help="Python metrics: 'full' (radon: complexity, maintainability index, Halstead volume, lines) or "
    "'fast' (lizard's complexity and line counts). Default: CODEMILL_COLLECT__METRICS, else full.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    help="Run on this machine's process pool (local) or on Ray (pip install 'codemill[ray]'). "
    "Default: CODEMILL_COLLECT__EXECUTOR, else local.",
)
@click.option(
    "--ray-address",
    metavar="HOST:PORT",
    help="Join the Ray cluster whose head listens there (implies --executor ray). "
    "Default: CODEMILL_COLLECT__RAY_ADDRESS, else a Ray started on this machine.",
)
@overwrite_option("corpus")
@click.option(
    "--resume",
    is_flag=True,
    help="Reuse the shards an interrupted collection of this NAME completed; the rest are redone.",
)
@json_option
@inject
def collect_command(
    sources: tuple[str, ...],
    name: str,
    ref: str | None,
    languages: tuple[str, ...],
    workers: int | None,
    no_filter: bool,
    no_dedup: bool,
    no_security: bool,
    exclude_tests: bool,
    dedup_against: str | None,
    metrics: str | None,
    executor: str | None,
    ray_address: str | None,
    overwrite: bool,
    resume: bool,
    as_json: bool,
    use_case: CollectData = Provide["collect_data"],
) -> None:
    """Collect functions, methods and classes from SOURCES into a corpus.

    A SOURCE is a folder, a git repository (URL, path, or github:owner/name),
    an archive (.zip, .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz), or a storage
    prefix (s3://bucket/prefix, or store:PREFIX in the configured storage).

    \b
    Examples:
      codemill collect ./src --name myproject
      codemill collect github:pallets/click --ref 8.1.7 --name click -l python
      codemill collect code.tar.gz s3://bucket/more-code --name mixed --workers 4
      codemill collect s3://bucket/code --name big --executor ray --ray-address 10.0.0.1:6379
      codemill collect ./src --name myproject --resume     # after an interrupted run
    """
    from codemill.application.collection.collect_data import CollectRequest

    request = CollectRequest(
        sources=sources,
        name=name,
        ref=ref,
        languages=frozenset(Language(x) for x in languages) or None,
        workers=workers,
        apply_filters=not no_filter,
        dedup=not no_dedup,
        security=not no_security,
        exclude_tests=exclude_tests,
        dedup_against=dedup_against,
        metrics=metrics,
        overwrite=overwrite,
        resume=resume,
        executor="ray" if ray_address and not executor else executor,
        executor_address=ray_address,
    )
    result = use_case.execute(request)
    if as_json:
        emit_json({"name": result.name, "stats": result.stats.to_dict()})
    else:
        click.echo(render_collect_summary(result.name, result.stats))


def render_collect_summary(name: str, summary: CollectSummary) -> str:
    rows = [
        {
            "language": lang,
            "files": s.files,
            "parsed_ok_%": round(100 * s.parse_success_rate, 1),
            "mean_parse_ms": s.mean_parse_ms,
            "units": s.units,
            "errors": ", ".join(f"{k}={v}" for k, v in s.errors.items()) or "-",
        }
        for lang, s in summary.languages.items()
    ]
    units, files, dedup = summary.units, summary.files, summary.dedup
    lines = [render_table(rows, list(rows[0]))] if rows else ["no supported source files found"]
    lines.append(
        f"corpus {name}: {units.kept:,} units kept, {units.rejected:,} rejected "
        f"({dedup.exact_duplicates:,} exact and {dedup.near_duplicates:,} near duplicates), "
        f"from {_count(files.parsed, 'file')}; {_count(files.skipped, 'file')} skipped"
    )
    for title, counts in (
        ("skipped files", summary.skipped),
        ("filtered units", summary.filters),
        ("redacted", summary.redactions),
    ):
        if counts:
            lines.append(f"{title}: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))
    timing = summary.timing
    workers = f"{timing.workers} worker" + ("s" if timing.workers != 1 else "")
    lines.append(f"{timing.seconds:.1f} s, {timing.mb_per_s:.2f} MB/s with {workers}")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
