"""The collect step's worker side: one parser and analyzers per worker process, files in, units out."""
