"""Validation of model folders with torch and transformers: files, loading, inference, speed, predictions."""
