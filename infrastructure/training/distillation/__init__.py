"""Distillation on the transformers Trainer: losses, the teacher, its cached outputs, the trainer."""
