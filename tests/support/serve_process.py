"""`codemill ARGS` in a process of its own whose container resolves local model folders.

    python -m tests.support.serve_process serve /path/to/model --port 0

Until the registry's resolver is in the container, this gives `codemill
serve` a resolver for the subprocess tests (SIGTERM, exit codes).
"""

from __future__ import annotations

import sys

from codemill.presentation.cli.main import cli
from codemill.presentation.wiring import wire_cli
from tests.fakes.serving_fakes import FakeModelResolver
from tests.support.serving import use_resolver

if __name__ == "__main__":
    wire_cli(use_resolver(FakeModelResolver("none", {}, {})))
    cli.main(args=sys.argv[1:], prog_name="codemill")
