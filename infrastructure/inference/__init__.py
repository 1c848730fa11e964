"""Running exported models: loading them for inference and measuring their speed."""
