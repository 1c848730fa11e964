"""ExportModel: a model folder to ONNX, checked for parity, published under models/NAME/."""
