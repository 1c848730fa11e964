"""The `codemill` entry point: the root group, global flags and command registration."""

from __future__ import annotations

import click

from codemill.presentation.cli.checkpoints_cmd import checkpoints_group
from codemill.presentation.cli.collect_cmd import collect_command
from codemill.presentation.cli.config_cmd import config_group
from codemill.presentation.cli.corpus_cmd import corpus_group
from codemill.presentation.cli.dataset_cmd import dataset_group
from codemill.presentation.cli.distill_cmd import distill_command
from codemill.presentation.cli.errors import CodemillGroup
from codemill.presentation.cli.export_cmd import export_command
from codemill.presentation.cli.logs import configure_logging
from codemill.presentation.cli.monitor_cmd import monitor_group
from codemill.presentation.cli.pipeline_cmd import pipeline_command
from codemill.presentation.cli.registry_cmd import registry_group
from codemill.presentation.cli.runs_cmd import runs_group
from codemill.presentation.cli.serve_cmd import serve_command
from codemill.presentation.cli.storage_cmd import storage_group
from codemill.presentation.cli.train_cmd import train_command
from codemill.presentation.cli.validate_cmd import validate_command


@click.group(cls=CodemillGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="codemill", prog_name="codemill")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v: debug).")
@click.option("-q", "--quiet", count=True, help="Less log output on stderr (-q: warnings, -qq: errors).")
def cli(verbose: int, quiet: int) -> None:
    """codemill turns source code into datasets and models.

    Artifacts go to the storage chosen by CODEMILL_STORAGE__* variables:
    a local folder by default (./codemill-data), or any S3-compatible store.

    \b
    Examples:
      codemill pipeline                      # the whole job on Python's own stdlib
      codemill collect ./src --name myproject
      codemill corpus show myproject
      codemill dataset build myproject --task generation --name summaries
      codemill train summaries --name t5 --epochs 5
      codemill distill --teacher t5 --dataset summaries --student half --name t5-half
      codemill validate t5-half --dataset summaries
      codemill export kinds --format onnx --quantize int8
      codemill registry register t5-half --name summarizer --alias staging
      codemill serve t5-half --port 8000
      codemill monitor drift summarizer --since 24h
      codemill config show
      codemill storage ls corpora/
      CODEMILL_STORAGE__BACKEND=s3 CODEMILL_STORAGE__BUCKET=my-bucket codemill storage ls
    """
    configure_logging(verbose - quiet)
    from codemill.presentation.wiring import ensure_wired  # deferred: keeps `codemill --help` fast

    ensure_wired()


cli.add_command(collect_command)
cli.add_command(corpus_group)
cli.add_command(dataset_group)
cli.add_command(train_command)
cli.add_command(distill_command)
cli.add_command(runs_group)
cli.add_command(checkpoints_group)
cli.add_command(validate_command)
cli.add_command(export_command)
cli.add_command(registry_group)
cli.add_command(pipeline_command)
cli.add_command(serve_command)
cli.add_command(monitor_group)
cli.add_command(config_group)
cli.add_command(storage_group)


def main() -> None:
    """Console-script entry."""
    cli(prog_name="codemill")


if __name__ == "__main__":
    main()
