"""DistillModel: a teacher and a dataset -> a smaller student and its retention report."""
