"""The edge: settings, the composition root and the Click CLI."""
