"""CollectData: code sources -> a corpus of code units (per-file processing runs in workers)."""
