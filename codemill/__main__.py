"""`python -m codemill` (and `torchrun -m codemill`, `accelerate launch -m codemill`): the CLI."""

from codemill.presentation.cli.main import main

main()
