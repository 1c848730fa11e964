"""Use cases: one class per module, each with `execute(request) -> result`."""
