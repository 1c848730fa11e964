"""Adapters of distillation's own ports: the teacher outputs cache in storage, the model profiler."""
