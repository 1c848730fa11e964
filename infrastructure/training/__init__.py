"""Training with Hugging Face transformers: presets, the Trainer adapter, callbacks and checkpoints.

Nothing is imported here: torch and transformers load only when a training module is imported.
"""
