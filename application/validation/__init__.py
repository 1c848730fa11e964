"""ValidateModel: a model folder -> checks, calibration, a report and a verdict."""
