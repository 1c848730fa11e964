"""The `codemill` command line: one module per command group."""
