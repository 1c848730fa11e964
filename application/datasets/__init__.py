"""BuildDataset: a corpus -> task samples, balancing, group-aware splits, overlap checks, a dataset."""
