"""The collect step's parts: per-file processing (runs in workers) and statistics."""
