"""ManageCheckpoints: scan, rank, clean up and export a training run's checkpoints."""
