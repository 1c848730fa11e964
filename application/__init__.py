"""Use cases and their rules, grouped by use case; no SDK or framework is imported here."""
