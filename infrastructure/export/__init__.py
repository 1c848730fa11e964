"""Model export to ONNX with torch.onnx, checked and quantized with ONNX Runtime."""
