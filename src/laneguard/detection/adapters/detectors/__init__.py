"""Detectors behind the `Detector` port: the embedded SSDLite person model and YOLO on ONNX."""
