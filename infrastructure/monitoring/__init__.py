"""Drift monitoring adapters: the prediction log as Parquet, input features, drift statistics."""
