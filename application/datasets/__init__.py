"""The BuildDataset step's pure parts: task samples, balancing, group-aware splits, overlap checks."""
