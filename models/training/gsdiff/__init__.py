"""Tiny PyTorch implementation of the GSDiff components, exported to ONNX per models/README.md (pack format 1)."""
