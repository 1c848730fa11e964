"""Training metrics as run artifacts: history files, best values, plots, TensorBoard events."""

from codemill.infrastructure.tracking.file_metrics_tracker import FileMetricsTracker

__all__ = ["FileMetricsTracker"]
