"""RunPipeline: every step as one isolated, resumable run with a summary and a report."""
